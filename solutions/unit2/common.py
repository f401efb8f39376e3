"""Case builders and data that several of unit 2's exercises share.

The course's blob data set is `make_blobs(n_samples=100, n_features=2, centers=2,
random_state=1)`; hidden checks add fresh blobs drawn with seeds from the check's `Draw`.
"""

import torch
from sklearn.datasets import make_blobs

F64 = torch.float64
START = (1.0, -1.0, 5.5)  # the text's deliberately poor starting line


def blobs(n: int = 100, k: int = 2, seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """make_blobs as float64 tensors: points (n, k) and labels 0.0/1.0 (n,)."""
    points, labels = make_blobs(n_samples=n, n_features=k, centers=2, random_state=seed)
    return torch.tensor(points), torch.tensor(labels, dtype=F64)


X, Y = blobs()
COURSE = "the course's blobs"


def steps(count: int) -> str:
    return f"{count} step" + ("" if count == 1 else "s")


def fresh_seed(d) -> int:
    return d.child_seed() % 2**32


def weight(d, low: float = 0.2, high: float = 3.0) -> float:
    """A weight whose magnitude stays away from 0, with a random sign."""
    return round(d.py.choice([-1, 1]) * d.py.uniform(low, high), 4)


def random_start(d) -> tuple[float, float, float]:
    return weight(d), weight(d), round(d.py.uniform(-6, 6), 3)


BLOBS = {"X": X.tolist(), "Y": Y.tolist()}


def softmax_inputs(d, n: int, score: float, dtype=F64, classes: int = 10, width: int = 784):
    X = d.rand(n, width, dtype=dtype)
    W = d.randn(classes, width, dtype=dtype)
    W = W * (score / (X @ W.T).abs().max().clamp_min(1e-12))
    return W, d.randn(classes, dtype=dtype), X, d.randint(0, classes, (n,))
