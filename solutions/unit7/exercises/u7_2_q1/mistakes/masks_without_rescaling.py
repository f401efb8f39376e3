"""drops pixels but does not divide the others by 1 - p"""

def corrupt(images, p=0.5, generator=None):
    keep = torch.rand(images.shape, generator=generator) >= p
    return images * keep
