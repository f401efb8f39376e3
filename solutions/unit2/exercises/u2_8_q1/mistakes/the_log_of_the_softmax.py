"""the log of the softmax"""

def stable_log_softmax(z, dim=-1):
    return torch.log(torch.softmax(z, dim=dim))
