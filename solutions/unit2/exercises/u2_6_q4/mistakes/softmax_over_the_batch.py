"""softmax over the batch"""

def make_softmax_regression():
    return nn.Sequential(nn.Linear(784, 10), nn.Softmax(dim=0))
