"""always float32"""

def dZ_dW(x, n_classes):
    return torch.eye(n_classes)[:, :, None] * x.float()[None, None, :]
