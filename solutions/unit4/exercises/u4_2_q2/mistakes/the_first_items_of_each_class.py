"""takes the first items of each class, no randomness"""

def subsample(dataset, fraction, seed=0):
    labels = torch.as_tensor(dataset.targets)
    chosen = []
    for label in labels.unique().tolist():
        members = torch.nonzero(labels == label).flatten()
        chosen.append(members[:round(fraction * len(members))])
    return Subset(dataset, torch.cat(chosen).tolist())
