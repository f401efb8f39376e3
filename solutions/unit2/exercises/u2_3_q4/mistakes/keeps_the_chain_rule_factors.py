"""keeps the chain-rule factors"""

def calc_dC_analytic(w, b, X, Y):
    y = torch.sigmoid(X @ w + b)
    factor = -(Y - y) / (y - y**2) * y * (1 - y)
    inputs = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    return (factor[:, None] * inputs).mean(dim=0)
