"""keeps each pixel with probability p instead of dropping it"""

def corrupt(images, p=0.5, generator=None):
    keep = torch.rand(images.shape, generator=generator) < p
    return images * keep / (1 - p)
