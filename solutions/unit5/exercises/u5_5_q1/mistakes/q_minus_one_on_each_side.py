"""pads q - 1 on each side"""

def same_padding(q):
    if q < 1:
        raise ValueError("q must be at least 1")
    return q - 1, q - 1
