"""sums one power too many (k = 0 ... T)"""

def bptt_bound(w, T):
    return float(sum(abs(w) ** k for k in range(T + 1)))
