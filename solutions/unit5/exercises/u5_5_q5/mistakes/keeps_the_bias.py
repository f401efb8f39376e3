"""keeps nn.Conv2d's default (random) bias"""

def avgpool_as_conv(channels=1):
    conv = nn.Conv2d(channels, channels, kernel_size=2, stride=2, groups=channels)
    with torch.no_grad():
        conv.weight.fill_(0.25)
    return conv
