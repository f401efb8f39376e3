"""counts a layer once for every name it has"""

def count_parameters(model):
    return sum(p.numel() for _, p in model.named_parameters(remove_duplicate=False))
