"""leaves the annotation of <END> out of the dot products"""

def attention_counts(T1, T2):
    return T2, (T1 - 1) * T2
