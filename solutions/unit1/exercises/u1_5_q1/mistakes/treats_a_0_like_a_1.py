"""treats a 0 like a 1"""

def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x != y and min(x, y) > 1:
            return None
        out.append(max(x, y))
    return tuple(out)
