"""pixels not scaled to [0, 1]"""

def load_fmnist_flat(train=True):
    data = torchvision.datasets.FashionMNIST(DATA_ROOT, train=train, download=False)
    return data.data.reshape(len(data.data), -1).float(), data.targets
