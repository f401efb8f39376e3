"""the multiplier read as the previous rate (as the text names it)"""

def make_exponential_scheduler(optimizer, gamma=0.9):
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda lr: gamma * lr)
