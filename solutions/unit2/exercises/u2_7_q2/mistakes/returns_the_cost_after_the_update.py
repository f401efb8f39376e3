"""returns the cost after the update"""

def gd_step(z, images, labels, lr):
    z.zero_grad()
    cost = F.cross_entropy(z(images.flatten(start_dim=1)), labels)
    cost.backward()
    with torch.no_grad():
        z.weight -= lr * z.weight.grad
        z.bias -= lr * z.bias.grad
    return F.cross_entropy(z(images.flatten(start_dim=1)), labels).item()
