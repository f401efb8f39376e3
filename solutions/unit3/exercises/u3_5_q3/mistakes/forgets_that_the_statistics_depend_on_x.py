"""forgets that the statistics depend on x"""

def bn_backward(grad_y, x, gamma, eps=1e-5):
    mean = x.mean(dim=0)
    std = torch.sqrt(x.var(dim=0, unbiased=False) + eps)
    x_hat = (x - mean) / std
    grad_gamma = (grad_y * x_hat).sum(dim=0)
    grad_beta = grad_y.sum(dim=0)
    return gamma * grad_y / std, grad_gamma, grad_beta
