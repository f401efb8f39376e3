"""simulates the iterations"""

def momentum_iterate(c, alpha, beta, t):
    w, v = torch.zeros_like(c), torch.zeros_like(c)
    for _ in range(t):
        v = beta * v + c
        w = w - alpha * v
    return w


def momentum_step_length(c, alpha, beta, t):
    return (alpha * torch.linalg.vector_norm(c) * (1 - beta ** t) / (1 - beta)).item()
