"""strict comparison sends zeros to inf"""

def negatives_to_inf(X):
    if not X.is_floating_point():
        raise TypeError()
    return torch.where(X > 0, X, torch.inf)
