"""the unbiased variance"""

def bn_backward(grad_y, x, gamma, eps=1e-5):
    n = x.shape[0]
    mean = x.mean(dim=0)
    std = torch.sqrt(x.var(dim=0, unbiased=True) + eps)
    x_hat = (x - mean) / std
    grad_gamma = (grad_y * x_hat).sum(dim=0)
    grad_beta = grad_y.sum(dim=0)
    return gamma / (n * std) * (n * grad_y - grad_beta - x_hat * grad_gamma), grad_gamma, grad_beta
