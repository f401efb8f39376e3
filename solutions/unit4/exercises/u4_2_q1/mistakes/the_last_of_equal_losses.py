"""keeps the last epoch among equal losses"""

def best_epoch(val_losses):
    best = 0
    for epoch, loss in enumerate(val_losses):
        if math.isnan(loss):
            raise ValueError("NaN")
        if loss <= val_losses[best]:
            best = epoch
    return best
