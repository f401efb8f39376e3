"""keeps the items whose label is not in the set"""

def filter_classes(dataset, classes):
    labels = torch.as_tensor(dataset.targets)
    wanted = torch.tensor(sorted(classes), dtype=labels.dtype)
    return Subset(dataset, torch.nonzero(~torch.isin(labels, wanted)).flatten().tolist())
