"""takes the first items for validation, without shuffling"""

def split_val_test(dataset, val_fraction=0.8, seed=0):
    count = round(val_fraction * len(dataset))
    return Subset(dataset, range(count)), Subset(dataset, range(count, len(dataset)))
