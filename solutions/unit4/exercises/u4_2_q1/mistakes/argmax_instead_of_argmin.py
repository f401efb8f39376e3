"""picks the epoch of the largest loss"""

def best_epoch(val_losses):
    values = [float(v) for v in val_losses]
    if any(math.isnan(v) for v in values):
        raise ValueError("NaN")
    return max(range(len(values)), key=values.__getitem__)
