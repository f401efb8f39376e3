"""broadcasts a column against a row"""

def double_as_column_(x):
    return x.reshape(-1, 1) + x
