"""images not flattened"""

def gd_step(z, images, labels, lr):
    z.zero_grad()
    cost = F.cross_entropy(z(images), labels)
    cost.backward()
    with torch.no_grad():
        z.weight -= lr * z.weight.grad
        z.bias -= lr * z.bias.grad
    return cost.item()
