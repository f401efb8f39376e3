"""pads q // 2 on each side (one row too many for an even kernel)"""

def same_padding(q):
    if q < 1:
        raise ValueError("q must be at least 1")
    return q // 2, q // 2
