"""reports the gradient even after the error"""

def backward_twice(retain_graph):
    x = torch.tensor(2.0, requires_grad=True)
    z = x**2 + x
    z.backward(retain_graph=retain_graph)
    try:
        z.backward()
        return False, x.grad.item()
    except RuntimeError:
        return True, x.grad.item()
