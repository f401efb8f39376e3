"""one sample at a time"""

def bn_backward(grad_y, x, gamma, eps=1e-5):
    n = x.shape[0]
    mean = x.mean(dim=0)
    std = torch.sqrt(x.var(dim=0, unbiased=False) + eps)
    x_hat = (x - mean) / std
    grad_gamma, grad_beta = torch.zeros_like(gamma), torch.zeros_like(gamma)
    for k in range(n):
        grad_gamma = grad_gamma + grad_y[k] * x_hat[k]
        grad_beta = grad_beta + grad_y[k]
    grad_x = torch.stack([gamma / (n * std) * (n * grad_y[k] - grad_beta - x_hat[k] * grad_gamma) for k in range(n)])
    return grad_x, grad_gamma, grad_beta
