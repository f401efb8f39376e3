"""the matrices multiplied in the wrong order"""

def collapse_affine(W1, b1, W2, b2):
    return W1 @ W2, W2 @ b1 + b2
