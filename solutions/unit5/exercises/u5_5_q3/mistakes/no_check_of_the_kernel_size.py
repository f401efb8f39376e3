"""builds the matrix whatever the kernel's size"""

def conv_as_matrix(K, H, W):
    p, q = K.shape
    oh, ow = max(H - p + 1, 0), max(W - q + 1, 0)
    A = torch.zeros(oh * ow, H * W, dtype=K.dtype)
    for r in range(oh):
        for s in range(ow):
            for i in range(p):
                start = (r + i) * W + s
                A[r * ow + s, start:start + q] = K[i]
    return A
