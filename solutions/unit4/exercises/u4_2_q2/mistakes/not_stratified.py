"""a random sample of all items, not of each class"""

def subsample(dataset, fraction, seed=0):
    generator = torch.Generator().manual_seed(seed)
    count = round(fraction * len(dataset))
    return Subset(dataset, torch.randperm(len(dataset), generator=generator)[:count].tolist())
