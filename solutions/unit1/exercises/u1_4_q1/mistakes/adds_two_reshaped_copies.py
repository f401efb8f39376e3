"""adds two reshaped copies"""

def double_as_column_(x):
    return x.reshape(-1, 1) + x.reshape(-1, 1)
