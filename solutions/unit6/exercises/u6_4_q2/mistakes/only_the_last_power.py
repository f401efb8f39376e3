"""keeps only the largest power |w|^(T-1)"""

def bptt_bound(w, T):
    return float(abs(w) ** (T - 1))
