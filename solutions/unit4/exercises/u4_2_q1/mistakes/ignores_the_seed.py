"""shuffles with the global generator, ignoring the seed"""

def split_val_test(dataset, val_fraction=0.8, seed=0):
    torch.manual_seed(0)
    order = torch.randperm(len(dataset)).tolist()
    count = round(val_fraction * len(dataset))
    return Subset(dataset, order[:count]), Subset(dataset, order[count:])
