"""ignores the generator"""

def random_bits(shape, generator=None):
    if len(shape) != 4:
        raise ValueError()
    return torch.randint(0, 2, shape)
