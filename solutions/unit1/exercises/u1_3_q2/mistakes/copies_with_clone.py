"""copies with clone"""

def odd_index_slice(X, shape=(2, 5, 10)):
    return X.reshape(shape)[1::2, 1::2, 1::2].clone()
