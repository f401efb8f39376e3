"""adds the flipped kernel into the windows"""

def conv_backward(dCdY, K):
    p, q = K.shape
    dCdX = torch.zeros(dCdY.shape[0] + p - 1, dCdY.shape[1] + q - 1, dtype=dCdY.dtype)
    for r in range(dCdY.shape[0]):
        for s in range(dCdY.shape[1]):
            dCdX[r:r + p, s:s + q] += dCdY[r, s] * K.flip(0, 1)
    return dCdX
