"""returns the pictures unchanged"""

def permute_pixels(images, perm):
    return images.clone()
