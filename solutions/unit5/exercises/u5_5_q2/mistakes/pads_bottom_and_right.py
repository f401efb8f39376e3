"""pads at the bottom and on the right"""

def pad_top_left(img, k):
    return torch.nn.functional.pad(img, (0, k - 1, 0, k - 1))
