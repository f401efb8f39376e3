"""the sum instead of the mean"""

def calc_dC_analytic(w, b, X, Y):
    y = torch.sigmoid(X @ w + b)
    inputs = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    return ((y - Y)[:, None] * inputs).sum(dim=0)
