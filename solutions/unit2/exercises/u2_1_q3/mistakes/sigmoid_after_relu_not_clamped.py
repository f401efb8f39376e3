"""sigmoid after ReLU, not clamped"""

def relu_neuron_fixed(x, w, b):
    return torch.sigmoid(torch.relu(x @ w + b))
