"""the naive cost with math.log"""

def train_neuron_scratch(X, Y, w0, w1, b, alpha, iters):
    costs = []
    for _ in range(iters):
        g0 = g1 = gb = cost = 0.0
        for (x0, x1), yt in zip(X.tolist(), Y.tolist()):
            y = 1 / (1 + math.exp(-(w0 * x0 + w1 * x1 + b)))
            cost -= yt * math.log(y) + (1 - yt) * math.log(1 - y)
            g0 += (y - yt) * x0
            g1 += (y - yt) * x1
            gb += y - yt
        n = len(X)
        costs.append(cost / n)
        w0, w1, b = w0 - alpha * g0 / n, w1 - alpha * g1 / n, b - alpha * gb / n
    return torch.tensor([w0, w1, b], dtype=torch.float64), torch.tensor(costs, dtype=torch.float64)
