"""randint(0, 1) draws only zeros"""

def random_bits(shape, generator=None):
    if len(shape) != 4:
        raise ValueError()
    return torch.randint(0, 1, shape, generator=generator)
