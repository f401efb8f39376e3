"""propagates grad_Y to X with the kernel flipped"""

def conv2d_backward(X, K, grad_Y):
    p, q = K.shape
    if tuple(grad_Y.shape) != (X.shape[0] - p + 1, X.shape[1] - q + 1):
        raise ValueError("grad_Y has the wrong shape")
    flipped = K.flip(0, 1)
    grad_X, grad_K = torch.zeros_like(X), torch.zeros_like(K)
    for r in range(grad_Y.shape[0]):
        for s in range(grad_Y.shape[1]):
            grad_K += grad_Y[r, s] * X[r:r + p, s:s + q]
            grad_X[r:r + p, s:s + q] += grad_Y[r, s] * flipped
    return grad_X, grad_K
