"""updates b with the new w"""

def train_neuron_vectorized(X, Y, w, b, alpha, iters):
    if w.shape != (X.shape[1],):
        raise ValueError('w does not match X')
    costs = torch.empty(iters, dtype=X.dtype)
    for i in range(iters):
        z = X @ w + b
        costs[i] = (torch.nn.functional.softplus(z) - Y * z).mean()
        w = w - alpha * X.T @ (torch.sigmoid(z) - Y) / len(Y)
        b = b - alpha * (torch.sigmoid(X @ w + b) - Y).mean().item()
    return w, b, costs
