"""one decay too many"""

def make_exponential_scheduler(optimizer, gamma=0.9):
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: gamma ** (epoch + 1))
