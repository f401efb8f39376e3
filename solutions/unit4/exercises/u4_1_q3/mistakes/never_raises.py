"""accepts any n and noise"""

def make_xyz_data(n, noise, seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(max(n, 0), generator=generator) * 4 - 2
    y = torch.rand(max(n, 0), generator=generator) * 2.5 + 0.5
    z = x + y + x * y + torch.sin(x ** 2 / y)
    return torch.stack([x, y], dim=1), z + noise * torch.randn(max(n, 0), generator=generator)
