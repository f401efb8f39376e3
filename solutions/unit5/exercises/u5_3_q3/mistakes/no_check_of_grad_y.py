"""trusts grad_Y's shape"""

def conv2d_backward(X, K, grad_Y):
    p, q = K.shape
    oh, ow = X.shape[0] - p + 1, X.shape[1] - q + 1
    grad_X, grad_K = torch.zeros_like(X), torch.zeros_like(K)
    for i in range(p):
        for j in range(q):
            grad_K[i, j] = (grad_Y[:oh, :ow] * X[i:i + oh, j:j + ow]).sum()
            grad_X[i:i + oh, j:j + ow] += K[i, j] * grad_Y[:oh, :ow]
    return grad_X, grad_K
