"""only the (n_classes, d) non-zero block"""

def dZ_dW(x, n_classes):
    return x.expand(n_classes, len(x)).clone()
