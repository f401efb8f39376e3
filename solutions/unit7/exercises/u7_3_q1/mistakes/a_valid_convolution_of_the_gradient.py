"""convolves the gradient with the kernel (valid): a smaller picture, not a larger one"""

def conv_backward(dCdY, K):
    p, q = K.shape
    rows, columns = dCdY.shape[0] - p + 1, dCdY.shape[1] - q + 1
    out = torch.zeros(max(rows, 0), max(columns, 0), dtype=dCdY.dtype)
    for r in range(max(rows, 0)):
        for s in range(max(columns, 0)):
            out[r, s] = (dCdY[r:r + p, s:s + q] * K).sum()
    return out
