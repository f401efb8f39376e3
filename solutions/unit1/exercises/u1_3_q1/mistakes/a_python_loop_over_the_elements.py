"""a Python loop over the elements"""

def negatives_to_inf(X):
    if not X.is_floating_point():
        raise TypeError()
    out = X.clone().reshape(-1)
    for i in range(out.numel()):
        if out[i] < 0:
            out[i] = math.inf
    return out.reshape(X.shape)
