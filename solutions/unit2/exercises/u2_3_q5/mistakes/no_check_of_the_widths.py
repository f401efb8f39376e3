"""no check of the widths"""

def train_neuron_vectorized(X, Y, w, b, alpha, iters):
    costs = torch.empty(iters, dtype=X.dtype)
    for i in range(iters):
        z = X @ w + b
        costs[i] = (torch.nn.functional.softplus(z) - Y * z).mean()
        error = torch.sigmoid(z) - Y
        w, b = w - alpha * X.T @ error / len(Y), b - alpha * error.mean().item()
    return w, b, costs
