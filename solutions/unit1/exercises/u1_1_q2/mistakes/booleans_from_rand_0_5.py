"""booleans from rand() > 0.5"""

def random_bits(shape, generator=None):
    return torch.rand(shape, generator=generator) > 0.5
