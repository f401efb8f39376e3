"""takes the largest entry, not the largest absolute entry"""

def grad_inf_norms(model):
    return {name: p.grad.max().item() for name, p in model.named_parameters() if p.grad is not None}
