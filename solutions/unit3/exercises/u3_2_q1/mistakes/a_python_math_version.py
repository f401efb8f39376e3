"""a Python math version"""

def eggholder(w0, w1):
    return torch.tensor([-(b + 47) * math.sin(math.sqrt(abs(b + a / 2 + 47)))
                         - a * math.sin(math.sqrt(abs(a - (b + 47))))
                         for a, b in zip(w0.reshape(-1).tolist(), w1.reshape(-1).tolist())],
                        dtype=w0.dtype).reshape(w0.shape)
