"""the log of the product"""

def log_likelihood(y, yt):
    return torch.log(torch.prod(y**yt * (1 - y)**(1 - yt)))
