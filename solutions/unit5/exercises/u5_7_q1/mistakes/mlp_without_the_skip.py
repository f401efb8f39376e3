"""forgets to add the input in the MLP block"""

class ResBlockMLP(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.linear1 = nn.Linear(in_features, in_features)
        self.bn = nn.BatchNorm1d(in_features)
        self.linear2 = nn.Linear(in_features, in_features)

    def forward(self, x):
        return torch.relu(self.linear2(torch.relu(self.bn(self.linear1(x)))))
