"""starts at index 0"""

def odd_index_slice(X, shape=(2, 5, 10)):
    return X.reshape(shape)[::2, ::2, ::2]
