"""the three factors, not simplified"""

def neuron_point_grad(w, b, x, yt):
    y = torch.sigmoid(x @ w + b)
    factor = -(yt - y) / (y - y**2) * y * (1 - y)
    return factor * torch.cat([x, torch.ones(1, dtype=x.dtype)])
