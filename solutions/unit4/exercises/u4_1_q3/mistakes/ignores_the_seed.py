"""ignores its seed (always seed 0)"""

def make_xyz_data(n, noise, seed):
    if n < 1 or noise < 0:
        raise ValueError("bad arguments")
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(n, generator=generator) * 4 - 2
    y = torch.rand(n, generator=generator) * 2.5 + 0.5
    z = x + y + x * y + torch.sin(x ** 2 / y)
    return torch.stack([x, y], dim=1), z + noise * torch.randn(n, generator=generator)
