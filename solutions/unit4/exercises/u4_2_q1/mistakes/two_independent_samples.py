"""draws the two parts independently, so they overlap"""

def split_val_test(dataset, val_fraction=0.8, seed=0):
    generator = torch.Generator().manual_seed(seed)
    count = round(val_fraction * len(dataset))
    validation = torch.randperm(len(dataset), generator=generator)[:count].tolist()
    test = torch.randperm(len(dataset), generator=generator)[:len(dataset) - count].tolist()
    return Subset(dataset, validation), Subset(dataset, test)
