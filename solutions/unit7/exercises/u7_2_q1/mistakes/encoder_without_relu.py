"""the encoder without its ReLU"""

class Encoder(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.linear = nn.Linear(784, latent_dim)

    def forward(self, x):
        return self.linear(x.flatten(1))
