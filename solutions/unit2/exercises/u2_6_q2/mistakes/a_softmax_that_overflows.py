"""a softmax that overflows"""

def softmax_regression_grad(W, b, X, labels):
    e = torch.exp(X @ W.T + b)
    y = e / e.sum(dim=1, keepdim=True)
    error = (y - F.one_hot(labels, num_classes=W.shape[0]).to(W.dtype)) / len(X)
    return error.T @ X, error.sum(dim=0)
