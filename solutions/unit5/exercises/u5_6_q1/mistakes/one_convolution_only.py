"""one convolution and pooling, then four linear layers"""

class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(4))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(6 * 7 * 7, 120), nn.ReLU(), nn.Linear(120, 84),
                                        nn.ReLU(), nn.Linear(84, 40), nn.ReLU(), nn.Linear(40, 10))

    def forward(self, x):
        return self.classifier(self.features(x))
