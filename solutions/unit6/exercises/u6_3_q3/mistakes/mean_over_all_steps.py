"""averages over all steps at once, one value per parameter"""

def epoch_mean_norms(history, iters_per_epoch):
    return {name: [sum(h[name] for h in history) / len(history)] for name in history[0]}
