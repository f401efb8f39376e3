"""counts <START> among the generated tokens"""

def attention_counts(T1, T2):
    return T2 + 1, T1 * (T2 + 1)
