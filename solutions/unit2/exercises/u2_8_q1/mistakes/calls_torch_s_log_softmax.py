"""calls torch's log_softmax"""

def stable_log_softmax(z, dim=-1):
    return torch.log_softmax(z, dim=dim)
