"""four nested loops: over every output pixel and every kernel entry"""

def conv2d_valid(X, K):
    if not isinstance(X, torch.Tensor) or not isinstance(K, torch.Tensor):
        raise TypeError("X and K must be tensors")
    if X.dim() != 2 or K.dim() != 2 or K.numel() == 0 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    dtype = torch.promote_types(X.dtype, K.dtype)
    dtype = dtype if dtype.is_floating_point else torch.float32
    X, K = X.to(dtype), K.to(dtype)
    p, q = K.shape
    Y = torch.zeros(X.shape[0] - p + 1, X.shape[1] - q + 1, dtype=dtype)
    for r in range(Y.shape[0]):
        for s in range(Y.shape[1]):
            total = 0
            for i in range(p):
                for j in range(q):
                    total = total + X[r + i, s + j] * K[i, j]
            Y[r, s] = total
    return Y
