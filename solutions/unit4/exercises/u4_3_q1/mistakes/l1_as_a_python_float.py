"""returns a Python float (.item()), cut off from autograd"""

def l1_penalty(model, include_bias=False):
    chosen = [p for name, p in model.named_parameters() if include_bias or "weight" in name]
    return sum(p.abs().sum().item() for p in chosen)
