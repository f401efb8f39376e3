"""computes in float32"""

def second_derivative(f, x0):
    x = torch.tensor(x0, requires_grad=True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    (h,) = torch.autograd.grad(g, x)
    return h.item()
