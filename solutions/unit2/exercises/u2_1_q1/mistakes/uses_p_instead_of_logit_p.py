"""uses p instead of logit(p)"""

def iso_probability_line(w0, w1, b, p):
    if w1 == 0 or not 0 < p < 1:
        raise ValueError('no line')
    return -w0 / w1, (p - b) / w1
