"""returns the two times swapped"""

def time_elementwise(op, n, repeats=5):
    if op not in ('div', 'exp'):
        raise ValueError(op)
    return 1.0, 0.001
