"""autograd instead of the formula"""

def neuron_point_grad(w, b, x, yt):
    w = w.detach().clone().requires_grad_(True)
    bias = torch.tensor(b, dtype=w.dtype, requires_grad=True)
    z = x @ w + bias
    H = torch.nn.functional.softplus(z) - yt * z
    H.backward()
    return torch.cat([w.grad, bias.grad.reshape(1)])
