"""assigns each window's share of grad_X instead of adding it (overlapping windows overwrite)"""

def conv2d_backward(X, K, grad_Y):
    p, q = K.shape
    if tuple(grad_Y.shape) != (X.shape[0] - p + 1, X.shape[1] - q + 1):
        raise ValueError("grad_Y has the wrong shape")
    grad_X, grad_K = torch.zeros_like(X), torch.zeros_like(K)
    for r in range(grad_Y.shape[0]):
        for s in range(grad_Y.shape[1]):
            grad_K += grad_Y[r, s] * X[r:r + p, s:s + q]
            grad_X[r:r + p, s:s + q] = grad_Y[r, s] * K
    return grad_X, grad_K
