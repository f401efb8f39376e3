"""statistics over the neurons"""

def activation_stats(model, X):
    stats = []
    h = X
    for layer in model:
        h = layer(h)
        if isinstance(layer, nn.ReLU):
            stats.append((h.mean(dim=1).detach(), h.std(dim=1).detach()))
    return stats
