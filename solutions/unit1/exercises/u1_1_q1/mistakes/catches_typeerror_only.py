"""catches TypeError only"""

def to_tensor_or_none(values):
    try:
        return torch.tensor(values)
    except TypeError:
        return None
