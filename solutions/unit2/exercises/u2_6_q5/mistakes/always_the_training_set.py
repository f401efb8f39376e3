"""always the training set"""

def load_fmnist_flat(train=True):
    data = torchvision.datasets.FashionMNIST(DATA_ROOT, train=True, download=False)
    return data.data.reshape(len(data.data), -1).float() / 255, data.targets
