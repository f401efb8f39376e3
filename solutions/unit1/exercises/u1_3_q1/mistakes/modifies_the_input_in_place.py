"""modifies the input in place"""

def negatives_to_inf(X):
    if not X.is_floating_point():
        raise TypeError()
    X[X < 0] = torch.inf
    return X
