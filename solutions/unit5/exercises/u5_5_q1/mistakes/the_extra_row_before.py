"""puts the extra row of an even kernel before the picture"""

def same_padding(q):
    if q < 1:
        raise ValueError("q must be at least 1")
    return q // 2, (q - 1) // 2
