"""Case builders for Fashion-MNIST training exercises (u2.8.q3, u3.3.q2, ...).

The judge hands the student's loop its model and its loaders, built where the checked code
runs from the worker's own view of the data (`autograder/fixtures/fashion.py`): the same seeded start and
the same batches for the student and the reference, so parameters after the first steps
compare exactly. Test loaders use the labelled first half of the test split; accuracy is
scored on perturbed pictures of the held-out half, whose labels only the judge reads.
"""

from __future__ import annotations

from typing import Any, Callable

import torch

from autograder.exercises.data import HELD_OUT, Perturbation, held_out_pictures
from autograder.exercises.spec import Call, Case, fixture, helper, kept, made

HELPERS = "autograder.fixtures.fashion"  # the worker-side builders (autograder/fixtures/fashion.py)
# where long training runs: the worker's GPU when it has one (checks that compare parameters
# with the reference's stay on the CPU, where both sides compute alike)
TRAINING_DEVICE = made(f"{HELPERS}.training_device", label="the grader's training device")
MODE_LABEL = "(batch size, train mode, grad enabled) of every batch the model saw, in order"


def flat_model(seed: int, record: bool = False, device: Any = "cpu") -> Call:
    """`Flatten -> Linear(784, 10) -> LogSoftmax` from a seeded start, kept as `model`
    (with `record`, a first layer notes how the model was called: `$model.0.seen`)."""
    return fixture(f"{HELPERS}.flat_model", seed, record, device, keep_as="model",
                   label="a flat model with a seeded start")


def fashion_loader(name: str, rows: torch.Tensor, split: str, batch: int, seed: int | None = None,
                   what: str = "", device: Any = "cpu") -> Call:
    order = "shuffled with a seed" if seed is not None else "in a fixed order"
    return fixture(f"{HELPERS}.loader", rows, split, batch, seed, device, keep_as=name,
                   label=what or f"{len(rows)} {split} pictures in batches of {batch}, {order}")


def small_loaders(d, train: int = 320, test: int = 150) -> list[Call]:
    """A training loader of `train` pictures in batches of 32 (fixed order), kept as `train`,
    and a test loader of `test` labelled test pictures in batches of 50, kept as `test`."""
    return [fashion_loader("train", d.randint(0, 60_000, (train,)), "train", 32),
            fashion_loader("test", d.randint(0, HELD_OUT.start, (test,)), "t10k", 50)]


def accuracy_case(d, training: Callable[[int], Call], setting: str = "lr 0.1") -> Case:
    """Train the judge's flat model with `training(epochs)` (a call over the kept `model`,
    `train` and `test`), then predict 2,000 perturbed held-out pictures. The catalogue's
    budget: 5 epochs of the 60,000 training pictures in batches of 256; the quick budget
    (`d.quick`, the test suite): 2 epochs of 12,000 in batches of 64."""
    perturbation = Perturbation(shift=0)  # a one-pixel shift costs a linear model ~9 points
    pictures, labels = held_out_pictures(d.g, 2000, perturbation)
    count, epochs, batch = (12_000, 2, 64) if d.quick else (60_000, 5, 256)
    rows = torch.randperm(60_000, generator=d.g)[:count] if d.quick else torch.arange(60_000)
    loaders = [fashion_loader("train", rows, "train", batch, d.child_seed(),
                              f"{count:,} training pictures in batches of {batch}, shuffled", TRAINING_DEVICE),
               fashion_loader("test", torch.arange(1000), "t10k", 500, what="1,000 labelled test pictures",
                              device=TRAINING_DEVICE)]
    return Case((*loaders, flat_model(d.child_seed(), device=TRAINING_DEVICE), training(epochs),
                 Call((kept("model"), pictures), make=helper(f"{HELPERS}.predict"), target="predictions",
                      label="predictions")),
                label=f"{epochs} epochs, batch {batch}, {setting} on {count:,} training pictures; scored on 2,000 "
                      f"held-out test pictures ({perturbation.describe()})", held=labels)
