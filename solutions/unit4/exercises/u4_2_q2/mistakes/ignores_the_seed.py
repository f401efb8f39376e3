"""stratified, but always with seed 0"""

def subsample(dataset, fraction, seed=0):
    labels = torch.as_tensor(dataset.targets)
    generator = torch.Generator().manual_seed(0)
    chosen = []
    for label in labels.unique().tolist():
        members = torch.nonzero(labels == label).flatten()
        chosen.append(members[torch.randperm(len(members), generator=generator)[:round(fraction * len(members))]])
    return Subset(dataset, torch.cat(chosen).tolist())
