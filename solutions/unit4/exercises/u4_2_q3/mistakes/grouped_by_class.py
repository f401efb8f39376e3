"""collects the indices class by class, losing the original order"""

def filter_classes(dataset, classes):
    labels = torch.as_tensor(dataset.targets)
    indices = []
    for label in sorted(classes):
        indices += torch.nonzero(labels == label).flatten().tolist()
    return Subset(dataset, indices)
