"""the sum instead of the mean"""

def softmax_regression_grad(W, b, X, labels):
    error = torch.softmax(X @ W.T + b, dim=1) - F.one_hot(labels, num_classes=W.shape[0]).to(W.dtype)
    return error.T @ X, error.sum(dim=0)
