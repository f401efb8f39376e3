"""normalises after the ReLU"""

def build_bn_mlp(depth, width):
    layers, inputs = [], 2
    for _ in range(depth):
        layers += [nn.Linear(inputs, width), nn.ReLU(), nn.BatchNorm1d(width)]
        inputs = width
    return nn.Sequential(*layers, nn.Linear(width, 1), nn.Sigmoid())
