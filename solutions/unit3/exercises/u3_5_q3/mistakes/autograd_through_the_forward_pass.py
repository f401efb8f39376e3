"""autograd through the forward pass"""

def bn_backward(grad_y, x, gamma, eps=1e-5):
    x = x.detach().clone().requires_grad_(True)
    g = gamma.detach().clone().requires_grad_(True)
    b = torch.zeros_like(g, requires_grad=True)
    y = g * (x - x.mean(0)) / torch.sqrt(x.var(0, unbiased=False) + eps) + b
    return torch.autograd.grad(y, (x, g, b), grad_y)
