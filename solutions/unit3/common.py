"""Case builders and data that several of unit 3's exercises share."""

import torch
from sklearn.datasets import make_moons

F64 = torch.float64
NO_AUTOGRAD = ["autograd", "backward", "grad", "requires_grad", "requires_grad_"]

# the eggholder's minima near (400, 130) and near (450, 420) (two, on either side of a cusp ridge)
MINIMUM_1 = [418.56, 171.04]
MINIMUM_2 = [[479.05, 434.51], [482.35, 432.88]]
START_DISTANCE = 10.0  # starting on the minimum is not finding it


def moons(d, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The catalogue moons, make_moons(noise=0.1), from a seed of the draw: float32 points, int64 labels."""
    X, Y = make_moons(n_samples=n, noise=0.1, random_state=d.py.randrange(100_000))
    return torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.int64)
