"""normalises the shortcut as well"""

class ResBlockDownSamp(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        out = 2 * in_channels
        self.conv1 = nn.Conv2d(in_channels, out, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out)
        self.conv2 = nn.Conv2d(out, out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.skip = nn.Conv2d(in_channels, out, 1, stride=2, bias=False)
        self.skip_bn = nn.BatchNorm2d(out)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.skip_bn(self.skip(x)))
