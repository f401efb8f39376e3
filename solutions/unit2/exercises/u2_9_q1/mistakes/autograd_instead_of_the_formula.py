"""autograd instead of the formula"""

def flat_input_jacobian(W, b, x):
    return torch.autograd.functional.jacobian(lambda v: torch.softmax(W @ v + b, dim=0), x)
