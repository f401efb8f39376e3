"""decays before the first step"""

def gd_eggholder(start, lr, steps, gamma=None):
    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.SGD([w], lr=lr)
    scheduler = None if gamma is None else torch.optim.lr_scheduler.LambdaLR(optimiser, lambda epoch: gamma ** epoch)
    path = [w.detach().clone()]
    for _ in range(steps):
        optimiser.zero_grad()
        w0, w1 = w[0], w[1]
        surface = (-(w1 + 47) * torch.sin(torch.sqrt(torch.abs(w1 + w0 / 2 + 47)))
                   - w0 * torch.sin(torch.sqrt(torch.abs(w0 - (w1 + 47)))))
        surface.backward()
        if scheduler is not None:
            scheduler.step()
        optimiser.step()
        path.append(w.detach().clone())
    return torch.stack(path)
