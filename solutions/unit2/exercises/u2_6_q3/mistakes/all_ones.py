"""all ones"""

def dZ_db(n_classes):
    return torch.ones(n_classes, n_classes)
