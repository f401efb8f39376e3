"""every past gradient at full weight"""

def momentum_iterate(c, alpha, beta, t):
    return -alpha * c * t / (1 - beta)


def momentum_step_length(c, alpha, beta, t):
    return (alpha * torch.linalg.vector_norm(c) * (1 - beta ** t) / (1 - beta)).item()
