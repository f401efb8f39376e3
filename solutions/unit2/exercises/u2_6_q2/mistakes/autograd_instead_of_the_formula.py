"""autograd instead of the formula"""

def softmax_regression_grad(W, b, X, labels):
    W = W.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    F.cross_entropy(X @ W.T + b, labels).backward()
    return W.grad, b.grad
