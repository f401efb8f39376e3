"""a kernel of ones: sums instead of averages"""

def avgpool_as_conv(channels=1):
    conv = nn.Conv2d(channels, channels, kernel_size=2, stride=2, groups=channels, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
    return conv
