"""draws the mask once and reuses it on every call"""

class InvertedDropout(nn.Module):
    def __init__(self, drop_rate=0.5):
        super().__init__()
        if not 0 < drop_rate < 1:
            raise ValueError("drop_rate must be in (0, 1)")
        self.drop_rate = drop_rate
        self.mask = None

    def forward(self, X):
        if not self.training:
            return X
        if self.mask is None or self.mask.shape != X.shape:
            self.mask = torch.rand_like(X) > self.drop_rate
        return X * self.mask / (1 - self.drop_rate)
