"""Case builders and data that several of unit 4's exercises share."""

from __future__ import annotations

import torch

from autograder.exercises import Call, helper, kept
from autograder.exercises.data import Perturbation, fashion_mnist, held_out_pictures

F64 = torch.float64
# held-out test pictures for accuracy checks: no shift (a one-pixel shift costs an MLP several
# points), brightness x0.9-1.1 and noise 0.05, as in units 2 and 3
PERTURBATION = Perturbation(shift=0)


def held_out(d, n: int = 2000) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` perturbed held-out test pictures and their labels (kept by the judge)."""
    return held_out_pictures(d.g, n, PERTURBATION)


def held_out_of_classes(d, classes: list[int], n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Held-out test pictures whose labels are in `classes` (about `n` of them)."""
    pictures, labels = held_out_pictures(d.g, 5000, PERTURBATION)
    keep = torch.isin(labels, torch.tensor(classes))
    return pictures[keep][:n], labels[keep][:n]


def scores_of(handle: str, pictures: torch.Tensor, what: str) -> Call:
    """The class scores of the kept network `handle` for `pictures` (evaluation mode, no autograd)."""
    return Call((kept(handle, what), pictures), make=helper("trainers.scores"), target="scores",
                label=f"the scores of {what} for {len(pictures):,} held-out test pictures")


def class_counts() -> list[int]:
    """Fashion-MNIST's training pictures per class (6,000 each)."""
    return torch.bincount(fashion_mnist(train=True)[1], minlength=10).tolist()
