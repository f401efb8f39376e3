"""counts epochs from 1"""

def best_epoch(val_losses):
    values = [float(v) for v in val_losses]
    if any(math.isnan(v) for v in values):
        raise ValueError("NaN")
    return min(range(len(values)), key=values.__getitem__) + 1
