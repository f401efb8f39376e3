"""climbs instead of descending"""

def eggholder(w0, w1):
    return (-(w1 + 47) * torch.sin(torch.sqrt(torch.abs(w1 + w0 / 2 + 47)))
            - w0 * torch.sin(torch.sqrt(torch.abs(w0 - (w1 + 47)))))


def gd_eggholder(start, lr, steps, gamma=None):
    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    path = [w.detach().clone()]
    for _ in range(steps):
        (g,) = torch.autograd.grad(eggholder(w[0], w[1]), w)
        with torch.no_grad():
            w += lr * g
        path.append(w.detach().clone())
    return torch.stack(path)
