"""Training checks: the judge builds the model and the loader, the student's loop trains
it, and the parameters after a few steps must equal those of the reference loop."""

from __future__ import annotations

import torch

from autograder.exercises import spec as S
from test_rules import grade

g = torch.Generator().manual_seed(3)
X = torch.randn(16, 2, generator=g)
Y = (X.sum(dim=1, keepdim=True) > 0).to(torch.float32)


def trajectory_case() -> S.Case:
    return S.sequence(
        S.Call((X, Y), target="torch.utils.data.TensorDataset", keep_as="points", quiet=True, label="16 points"),
        S.Call((S.kept("points"),), {"batch_size": 4}, target="torch.utils.data.DataLoader", keep_as="loader",
               quiet=True, label="16 points in batches of 4, in a fixed order"),
        S.Call((2, 1), target="torch.nn.Linear", keep_as="model", quiet=True, label="a linear model with a seeded start"),
        S.Call((S.kept("model"), S.kept("loader"), 0.1), quiet=True, label="one epoch of training"),
        S.Call(target="$model.weight", read_only=True, label="the weight after one epoch"),
        S.Call(target="$model.bias", read_only=True, label="the bias after one epoch"),
        label="four steps from the judge's model",
    )


TRAJECTORY = S.output("first steps", "train_epoch", [trajectory_case()])


def train_epoch(model, loader, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for x, y in loader:
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
        loss.backward()
        optimizer.step()


def no_zero_grad(model, loader, lr):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for x, y in loader:
        torch.nn.functional.binary_cross_entropy_with_logits(model(x), y).backward()
        optimizer.step()


def ascent(model, loader, lr):
    for x, y in loader:
        model.zero_grad()
        torch.nn.functional.binary_cross_entropy_with_logits(model(x), y).backward()
        with torch.no_grad():
            for p in model.parameters():
                p += lr * p.grad  # the wrong sign: climbs the loss


def test_the_reference_loop_passes():
    assert grade(TRAJECTORY, {"train_epoch": train_epoch}, {"train_epoch": train_epoch}) is None


def test_a_loop_without_zero_grad_is_caught_on_the_parameters():
    message = grade(TRAJECTORY, {"train_epoch": train_epoch}, {"train_epoch": no_zero_grad})
    assert message.startswith("train_epoch: for the weight after one epoch, ")
    assert "values differ" in message


def test_a_wrong_sign_is_caught():
    message = grade(TRAJECTORY, {"train_epoch": train_epoch}, {"train_epoch": ascent})
    assert message and "the weight after one epoch" in message


def test_the_stub_earns_nothing():
    def stub(model, loader, lr):
        raise NotImplementedError

    assert "not implemented yet" in grade(TRAJECTORY, {"train_epoch": train_epoch}, {"train_epoch": stub})


def test_the_judge_builds_the_same_start_on_both_sides():
    def untouched(model, loader, lr):
        pass  # no training at all: the parameters are the seeded start, which differs from trained ones

    message = grade(TRAJECTORY, {"train_epoch": untouched}, {"train_epoch": untouched})
    assert message is None  # same seeded model on both sides
