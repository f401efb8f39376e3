"""turns the mask into float32, which promotes half-precision inputs"""

class InvertedDropout(nn.Module):
    def __init__(self, drop_rate=0.5):
        super().__init__()
        if not 0 < drop_rate < 1:
            raise ValueError("drop_rate must be in (0, 1)")
        self.drop_rate = drop_rate

    def forward(self, X):
        if not self.training:
            return X
        mask = (torch.rand_like(X) > self.drop_rate).to(torch.float32)
        return X * mask / (1 - self.drop_rate)
