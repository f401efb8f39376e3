"""flips the kernel (true convolution, not what deep-learning libraries compute)"""

def conv2d_valid(X, K):
    if not isinstance(X, torch.Tensor) or not isinstance(K, torch.Tensor):
        raise TypeError("X and K must be tensors")
    if X.dim() != 2 or K.dim() != 2 or K.numel() == 0 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    dtype = torch.promote_types(X.dtype, K.dtype)
    dtype = dtype if dtype.is_floating_point else torch.float32
    X, K = X.to(dtype), K.to(dtype).flip(0, 1)
    p, q = K.shape
    Y = torch.zeros(X.shape[0] - p + 1, X.shape[1] - q + 1, dtype=dtype)
    for r in range(Y.shape[0]):
        for s in range(Y.shape[1]):
            Y[r, s] = (X[r:r + p, s:s + q] * K).sum()
    return Y
