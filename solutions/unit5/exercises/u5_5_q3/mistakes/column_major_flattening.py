"""flattens the picture column by column"""

def conv_as_matrix(K, H, W):
    p, q = K.shape
    if p > H or q > W:
        raise ValueError("the kernel is larger than the picture")
    oh, ow = H - p + 1, W - q + 1
    A = torch.zeros(oh * ow, H * W, dtype=K.dtype)
    for r in range(oh):
        for s in range(ow):
            for i in range(p):
                for j in range(q):
                    A[r * ow + s, (s + j) * H + (r + i)] = K[i, j]
    return A
