"""the sign flipped"""

def neuron_point_grad(w, b, x, yt):
    y = torch.sigmoid(x @ w + b)
    return (yt - y) * torch.cat([x, torch.ones(1, dtype=x.dtype)])
