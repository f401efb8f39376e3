"""no validation: a kernel larger than the picture gives an empty result, None fails with whatever error comes first"""

def conv2d_valid(X, K):
    dtype = torch.promote_types(X.dtype, K.dtype)
    dtype = dtype if dtype.is_floating_point else torch.float32
    X, K = X.to(dtype), K.to(dtype)
    p, q = K.shape
    Y = torch.zeros(max(X.shape[0] - p + 1, 0), max(X.shape[1] - q + 1, 0), dtype=dtype)
    for r in range(Y.shape[0]):
        for s in range(Y.shape[1]):
            Y[r, s] = (X[r:r + p, s:s + q] * K).sum()
    return Y
