"""drops input pixels instead of the second hidden layer"""

def build_dropout_mlp(drop_rates, corrected=True):
    class DropoutFinal(nn.Module):
        def __init__(self, p):
            super().__init__()
            self.p = p

        def forward(self, X):
            return X * (torch.rand_like(X) > self.p) if self.training else X * (1 - self.p)

    class UncorrectedDropout(nn.Module):
        def __init__(self, p):
            super().__init__()
            self.p = p

        def forward(self, X):
            return X * (torch.rand_like(X) > self.p) if self.training else X

    make = DropoutFinal if corrected else UncorrectedDropout
    layers = [nn.Flatten()]
    if drop_rates is not None:
        layers.append(make(drop_rates[0]))
    layers += [nn.Linear(784, 512), nn.ReLU()]
    if drop_rates is not None:
        layers.append(make(drop_rates[1]))
    return nn.Sequential(*layers, nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10), nn.LogSoftmax(dim=1))
