"""the decoder returns flat rows of 784 pixels"""

class Decoder(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.linear = nn.Linear(latent_dim, 784)

    def forward(self, z):
        return torch.sigmoid(self.linear(z))
