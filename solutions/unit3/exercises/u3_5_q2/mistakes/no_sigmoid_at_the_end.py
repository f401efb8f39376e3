"""no sigmoid at the end"""

def build_bn_mlp(depth, width):
    layers, inputs = [], 2
    for _ in range(depth):
        layers += [nn.Linear(inputs, width), nn.BatchNorm1d(width), nn.ReLU()]
        inputs = width
    return nn.Sequential(*layers, nn.Linear(width, 1))
