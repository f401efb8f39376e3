"""returns b as a tensor"""

def train_neuron_vectorized(X, Y, w, b, alpha, iters):
    if w.shape != (X.shape[1],):
        raise ValueError('w does not match X')
    costs = torch.empty(iters, dtype=X.dtype)
    b = torch.tensor(float(b), dtype=X.dtype)
    for i in range(iters):
        z = X @ w + b
        costs[i] = (torch.nn.functional.softplus(z) - Y * z).mean()
        error = torch.sigmoid(z) - Y
        w, b = w - alpha * X.T @ error / len(Y), b - alpha * error.mean()
    return w, b, costs
