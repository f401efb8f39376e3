"""pads k rows and columns instead of k - 1"""

def pad_top_left(img, k):
    return torch.nn.functional.pad(img, (k, 0, k, 0))
