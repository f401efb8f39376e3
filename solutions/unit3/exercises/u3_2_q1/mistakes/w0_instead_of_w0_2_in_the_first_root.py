"""w0 instead of w0 / 2 in the first root"""

def eggholder(w0, w1):
    return (-(w1 + 47) * torch.sin(torch.sqrt(torch.abs(w1 + w0 + 47)))
            - w0 * torch.sin(torch.sqrt(torch.abs(w0 - (w1 + 47)))))
