"""steps from one picture row to the next by the kernel's width instead of the picture's"""

def conv_as_matrix(K, H, W):
    p, q = K.shape
    if p > H or q > W:
        raise ValueError("the kernel is larger than the picture")
    oh, ow = H - p + 1, W - q + 1
    A = torch.zeros(oh * ow, H * W, dtype=K.dtype)
    for r in range(oh):
        for s in range(ow):
            for i in range(p):
                start = (r + i) * (W - q + 1) + s
                A[r * ow + s, start:start + q] = K[i]
    return A
