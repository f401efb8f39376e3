"""A transposed"""

def collapse_affine(W1, b1, W2, b2):
    return (W2 @ W1).T, W2 @ b1 + b2
