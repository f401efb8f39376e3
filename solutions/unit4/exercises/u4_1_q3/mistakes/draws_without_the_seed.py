"""draws from the global generator and never uses its seed"""

def make_xyz_data(n, noise, seed):
    if n < 1 or noise < 0:
        raise ValueError("bad arguments")
    x = torch.rand(n) * 4 - 2
    y = torch.rand(n) * 2.5 + 0.5
    z = x + y + x * y + torch.sin(x ** 2 / y)
    return torch.stack([x, y], dim=1), z + noise * torch.randn(n)
