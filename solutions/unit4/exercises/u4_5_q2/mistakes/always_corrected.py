"""ignores corrected: both variants scale by (1 - p) at inference"""

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

    layers = [nn.Flatten()]
    widths = [784, 512, 512]
    for index, (n_in, n_out) in enumerate(zip(widths, widths[1:])):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        if drop_rates is not None:
            layers.append(DropoutFinal(drop_rates[index]))
    return nn.Sequential(*layers, nn.Linear(512, 10), nn.LogSoftmax(dim=1))
