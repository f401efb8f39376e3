"""x in every entry, without the Kronecker delta"""

def dZ_dW(x, n_classes):
    return x.expand(n_classes, n_classes, len(x)).clone()
