"""uses the closed form at |w| = 1 too"""

def bptt_bound(w, T):
    return (1 - abs(w) ** T) / (1 - abs(w))
