"""the mean instead of the sum"""

def log_likelihood(y, yt):
    return (yt * torch.log(y) + (1 - yt) * torch.log(1 - y)).mean()
