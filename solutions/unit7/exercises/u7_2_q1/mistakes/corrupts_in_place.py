"""corrupts the pictures in place"""

def corrupt(images, p=0.5, generator=None):
    keep = torch.rand(images.shape, generator=generator) >= p
    return images.mul_(keep).div_(1 - p)
