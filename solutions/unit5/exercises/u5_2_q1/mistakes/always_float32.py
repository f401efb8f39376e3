"""converts both inputs to float32, whatever their dtype"""

def conv2d_valid(X, K):
    if not isinstance(X, torch.Tensor) or not isinstance(K, torch.Tensor):
        raise TypeError("X and K must be tensors")
    if X.dim() != 2 or K.dim() != 2 or K.numel() == 0 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    X, K = X.float(), K.float()
    p, q = K.shape
    Y = torch.zeros(X.shape[0] - p + 1, X.shape[1] - q + 1)
    for r in range(Y.shape[0]):
        for s in range(Y.shape[1]):
            Y[r, s] = (X[r:r + p, s:s + q] * K).sum()
    return Y
