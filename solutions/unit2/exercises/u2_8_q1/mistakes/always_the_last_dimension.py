"""always the last dimension"""

def stable_log_softmax(z, dim=-1):
    shifted = z - z.amax(dim=-1, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))
