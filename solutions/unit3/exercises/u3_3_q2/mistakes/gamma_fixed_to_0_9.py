"""gamma fixed to 0.9"""

def make_exponential_scheduler(optimizer, gamma=0.9):
    return torch.optim.lr_scheduler.ExponentialLR(optimizer, 0.9)
