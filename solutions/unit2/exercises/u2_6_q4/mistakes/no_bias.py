"""no bias"""

def make_softmax_regression():
    return nn.Sequential(nn.Linear(784, 10, bias=False), nn.Softmax(dim=1))
