"""draws 784 random pixel numbers (some twice, some never) instead of a permutation"""

def make_pixel_permutation(seed):
    return torch.randint(0, 28 * 28, (28 * 28,), generator=torch.Generator().manual_seed(seed))
