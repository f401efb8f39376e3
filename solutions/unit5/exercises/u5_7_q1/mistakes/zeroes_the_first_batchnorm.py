"""zeroes the first BatchNorm instead of the last"""

def make_identity_(block):
    last = [m for m in block.modules() if isinstance(m, nn.BatchNorm2d)][0]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.zero_()
    return block
