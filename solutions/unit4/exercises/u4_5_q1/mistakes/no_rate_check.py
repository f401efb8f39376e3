"""accepts any rate"""

class InvertedDropout(nn.Module):
    def __init__(self, drop_rate=0.5):
        super().__init__()
        self.drop_rate = drop_rate

    def forward(self, X):
        if not self.training:
            return X
        return X * (torch.rand_like(X) > self.drop_rate) / (1 - self.drop_rate)
