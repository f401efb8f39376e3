"""clamped outside the autograd graph"""

def relu_neuron_fixed(x, w, b):
    y = 1 - torch.exp(-torch.relu(x @ w + b))
    eps = torch.finfo(y.dtype).eps
    return torch.tensor(y.tolist(), dtype=y.dtype).clamp(eps, 1 - eps)
