"""the limit instead of the step"""

def momentum_iterate(c, alpha, beta, t):
    return -(alpha * c / (1 - beta)) * (t - beta * (1 - beta ** t) / (1 - beta))


def momentum_step_length(c, alpha, beta, t):
    return (alpha * torch.linalg.vector_norm(c) / (1 - beta)).item()
