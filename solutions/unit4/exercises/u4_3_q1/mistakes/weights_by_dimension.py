"""selects the weights as the parameters with two or more dimensions (misses BatchNorm's weight)"""

def l1_penalty(model, include_bias=False):
    chosen = [p for p in model.parameters() if include_bias or p.dim() > 1]
    return sum(p.abs().sum() for p in chosen)
