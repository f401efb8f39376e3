"""a loop over the points"""

def train_neuron_vectorized(X, Y, w, b, alpha, iters):
    if w.shape != (X.shape[1],):
        raise ValueError('w does not match X')
    costs = torch.empty(iters, dtype=X.dtype)
    for i in range(iters):
        grad_w, grad_b, cost = torch.zeros_like(w), 0.0, 0.0
        for x, yt in zip(X, Y):
            z = x @ w + b
            cost += torch.nn.functional.softplus(z) - yt * z
            grad_w += (torch.sigmoid(z) - yt) * x
            grad_b += (torch.sigmoid(z) - yt).item()
        costs[i] = cost / len(Y)
        w, b = w - alpha * grad_w / len(Y), b - alpha * grad_b / len(Y)
    return w, b, costs
