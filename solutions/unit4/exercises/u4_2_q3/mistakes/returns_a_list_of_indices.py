"""returns the list of indices instead of a Subset"""

def filter_classes(dataset, classes):
    labels = torch.as_tensor(dataset.targets)
    return [i for i, label in enumerate(labels.tolist()) if label in classes]
