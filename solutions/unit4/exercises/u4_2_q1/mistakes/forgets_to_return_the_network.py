"""builds the network but forgets to return it"""

def build_overfitting_mlp():
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                          nn.Linear(256, 10), nn.LogSoftmax(dim=1))
