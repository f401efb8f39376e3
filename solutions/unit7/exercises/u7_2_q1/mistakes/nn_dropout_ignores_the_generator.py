"""corrupts with nn.Dropout, which ignores the generator"""

def corrupt(images, p=0.5, generator=None):
    return nn.Dropout(p)(images)
