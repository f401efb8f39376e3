"""pictures not flattened"""

def load_fmnist_flat(train=True):
    data = torchvision.datasets.FashionMNIST(DATA_ROOT, train=train, download=False)
    return data.data.float() / 255, data.targets
