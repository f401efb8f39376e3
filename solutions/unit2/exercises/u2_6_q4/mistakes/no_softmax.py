"""no softmax"""

def make_softmax_regression():
    return nn.Linear(784, 10)
