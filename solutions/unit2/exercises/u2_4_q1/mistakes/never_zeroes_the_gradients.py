"""never zeroes the gradients"""

def train_neuron_torch(X, Y, init=(1.0, -1.0, 5.5), alpha=0.1, iters=1000):
    layer = nn.Linear(2, 1, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[init[0], init[1]]], dtype=torch.float64))
        layer.bias.fill_(init[2])
    costs = torch.empty(iters, dtype=torch.float64)
    for i in range(iters):
        z = layer(X).squeeze(1)
        cost = (F.softplus(z) - Y * z).mean()
        cost.backward()
        with torch.no_grad():
            layer.weight -= alpha * layer.weight.grad
            layer.bias -= alpha * layer.bias.grad
        costs[i] = cost.detach()
    return layer, costs
