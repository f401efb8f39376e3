"""changes the block but returns None"""

def make_identity_(block):
    last = [m for m in block.modules() if isinstance(m, nn.BatchNorm2d)][-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.zero_()
