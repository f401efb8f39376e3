"""uses the Euclidean norm"""

def grad_inf_norms(model):
    return {name: p.grad.norm().item() for name, p in model.named_parameters() if p.grad is not None}
