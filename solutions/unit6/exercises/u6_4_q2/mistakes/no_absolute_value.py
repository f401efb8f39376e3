"""forgets the absolute value of w"""

def bptt_bound(w, T):
    if w == 1:
        return float(T)
    return (1 - w ** T) / (1 - w)
