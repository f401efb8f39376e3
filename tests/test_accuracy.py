"""Accuracy checks: the judge scores predictions with labels the worker never receives,
with partial credit between calibrated bars."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from autograder.exercises import spec as S
from autograder.judge.session import _payload
from test_rules import grade, verdict

g = torch.Generator().manual_seed(0)
X_TRAIN = torch.cat([torch.randn(50, 2, generator=g) - 2, torch.randn(50, 2, generator=g) + 2])
Y_TRAIN = torch.cat([torch.zeros(50), torch.ones(50)])
X_TEST = torch.cat([torch.randn(100, 2, generator=g) - 2, torch.randn(100, 2, generator=g) + 2])
Y_TEST = torch.cat([torch.zeros(100), torch.ones(100)]).to(torch.int64)

CHECK = S.accuracy("held-out accuracy", "train", [S.trained(X_TRAIN, Y_TRAIN, inputs=X_TEST, labels=Y_TEST)],
                   full_at=0.95, zero_at=0.6, at_most=0.999)


class Linear(nn.Module):
    def __init__(self, w, b, squash=True):
        super().__init__()
        self.w, self.b, self.squash = torch.tensor(w), b, squash

    def forward(self, x):
        z = x @ self.w + self.b
        return torch.sigmoid(z) if self.squash else z


def good_trainer(X, Y):
    return Linear([1.0, 1.0], 0.0)


def test_a_good_model_passes():
    assert grade(CHECK, None, {"train": good_trainer}) is None


def test_the_stub_earns_nothing():
    assert "not implemented yet" in grade(CHECK, None, {"train": _stub})


def _stub(X, Y):
    raise NotImplementedError


def test_a_constant_model_earns_nothing_and_says_how_far_it_is():
    outcome = verdict(CHECK, None, {"train": lambda X, Y: (lambda x: torch.full((len(x),), 0.25))})
    assert outcome.status == "failed" and outcome.fraction == 0
    assert outcome.message == ("train: the model classifies 50.0% of 200 held-out points correctly; "
                               "full marks from 95%, none at 60% or less")


def test_a_mediocre_model_earns_part_of_the_points():
    # a line that cuts through one blob: most, not all, points right
    outcome = verdict(CHECK, None, {"train": lambda X, Y: Linear([1.0, 0.0], 2.0)})
    assert outcome.status == "failed" and 0 < outcome.fraction < 1
    accuracy = float(outcome.message.split("classifies ")[1].split("%")[0]) / 100
    assert outcome.fraction == pytest.approx((accuracy - 0.6) / (0.95 - 0.6), abs=1e-9)


def test_a_model_better_than_the_asked_one_is_questioned():
    def cheat(X, Y):  # perfect everywhere: more than a line can do on these points
        return lambda x: (x.sum(dim=1) > 0).to(torch.float32)

    strict = S.accuracy("acc", "train", [S.trained(X_TRAIN, Y_TRAIN, inputs=X_TEST, labels=Y_TEST)],
                        full_at=0.9, zero_at=0.5, at_most=0.9)
    outcome = verdict(strict, None, {"train": cheat})
    assert "more than the asked model can reach" in outcome.message and outcome.fraction == 0


@pytest.mark.parametrize("trainer,says", [
    (lambda X, Y: Linear([1.0, 1.0], 0.0, squash=False), "expected probabilities between 0 and 1"),
    (lambda X, Y: (lambda x: torch.zeros(len(x), 2)), "expected predictions of shape (200,) or (200, 1)"),
    (lambda X, Y: (lambda x: [0.5] * len(x)), "expected a tensor of predictions, got a list"),
    (lambda X, Y: (lambda x: torch.zeros(len(x), dtype=torch.int64)), "expected floating-point predictions"),
])
def test_unreadable_predictions_are_named(trainer, says):
    message = grade(CHECK, None, {"train": trainer})
    assert says in message


def test_class_scores_are_read_by_argmax():
    check = S.accuracy("acc", "train", [S.trained(X_TRAIN, Y_TRAIN, inputs=X_TEST, labels=Y_TEST)],
                       full_at=0.95, zero_at=0.6, predictions="scores")
    two_classes = lambda X, Y: (lambda x: torch.stack([-x.sum(dim=1), x.sum(dim=1)], dim=1))  # noqa: E731
    assert grade(check, None, {"train": two_classes}) is None


def test_bool_class_scores_are_a_message_not_a_crash():
    """Scores of dtype bool (a comparison returned instead of the model's output) made argmax
    raise in the judge and the whole row 'not-gradable'; now they cost this check, with a reason."""
    check = S.accuracy("acc", "train", [S.trained(X_TRAIN, Y_TRAIN, inputs=X_TEST, labels=Y_TEST)],
                       full_at=0.95, zero_at=0.6, predictions="scores")
    bools = lambda X, Y: (lambda x: torch.stack([x.sum(dim=1) < 0, x.sum(dim=1) > 0], dim=1))  # noqa: E731
    outcome = verdict(check, None, {"train": bools})
    assert outcome.status == "failed" and "expected floating-point scores (one per class), got bool" in outcome.message


def test_labels_never_reach_the_worker():
    plan, tensors = CHECK.plan(seed=1, key_prefix="in/")
    case = plan.cases[0]
    assert case.held in tensors and torch.equal(tensors[case.held], Y_TEST)
    sent = _payload(case.steps, tensors)
    from autograder.protocol import codec

    assert case.held not in codec.load_payload(sent, 2**30)
    seen = []
    grade(CHECK, None, {"train": lambda X, Y: seen.append((X, Y)) or good_trainer(X, Y)})
    assert torch.equal(seen[0][1], Y_TRAIN)  # the training labels only


def test_bars_must_be_in_order():
    with pytest.raises(ValueError):
        S.accuracy("acc", "train", [], full_at=0.5, zero_at=0.9)
