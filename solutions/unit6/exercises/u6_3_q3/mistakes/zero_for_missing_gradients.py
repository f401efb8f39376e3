"""reports 0 for parameters without a gradient"""

def grad_inf_norms(model):
    return {name: (p.grad.abs().max().item() if p.grad is not None else 0.0) for name, p in model.named_parameters()}
