"""the seed is ignored"""

def make_moons_data(n=200, noise=0.1, seed=0):
    X, Y = make_moons(n_samples=n, noise=noise)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)
