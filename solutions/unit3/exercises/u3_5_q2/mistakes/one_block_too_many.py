"""one block too many"""

def build_bn_mlp(depth, width):
    layers, inputs = [], 2
    for _ in range(depth + 1):
        layers += [nn.Linear(inputs, width), nn.BatchNorm1d(width), nn.ReLU()]
        inputs = width
    return nn.Sequential(*layers, nn.Linear(width, 1), nn.Sigmoid())
