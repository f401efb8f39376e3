"""returns the test part first"""

def split_val_test(dataset, val_fraction=0.8, seed=0):
    order = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed)).tolist()
    count = round(val_fraction * len(dataset))
    return Subset(dataset, order[count:]), Subset(dataset, order[:count])
