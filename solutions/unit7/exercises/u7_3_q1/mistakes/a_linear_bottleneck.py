"""a fully connected layer in the middle"""

class ConvDAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
                                  nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU())
        self.middle = nn.Linear(32 * 7 * 7, 32 * 7 * 7)
        self.up = nn.Sequential(nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
                                nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        h = self.down(x)
        return self.up(torch.relu(self.middle(h.flatten(1))).reshape(h.shape))
