"""no error handling"""

def to_tensor_or_none(values):
    return torch.tensor(values)
