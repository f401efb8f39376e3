"""Unit 2's own judging: the sigmoid neuron trained by full-batch gradient descent.

Experiments re-run a student's setting (a starting point, reported final costs) with a
trusted float64 implementation in the judge; `linear_accuracy` scores a trained linear
classifier on the call's own points. Public: shipped with the release for `autograder check`.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from autograder.checks.context import CaseContext
from autograder.checks.properties import as_tensor
from autograder.checks.registry import check_property, experiment
from autograder.checks.rerun import is_dict, numbers, plain_number, show_numbers
from autograder.checks.values import kind_of
from autograder.protocol.codec import TensorData


def neuron_descent(X: torch.Tensor, Y: torch.Tensor, start: list[float], alpha: float,
                   iters: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient descent for y = sigmoid(X @ w + b) on the mean binary cross-entropy, in
    float64: the final parameters (w..., b) and the cost at the parameters each step used
    (computed stably, as softplus(z) - y_t z)."""
    inputs = torch.cat([X.to(torch.float64), torch.ones(len(X), 1, dtype=torch.float64)], dim=1)
    labels = Y.to(torch.float64)
    params = torch.tensor(start, dtype=torch.float64)
    costs = torch.empty(iters, dtype=torch.float64)
    for i in range(iters):
        z = inputs @ params
        costs[i] = (F.softplus(z) - labels * z).mean()
        params = params - alpha * ((torch.sigmoid(z) - labels)[:, None] * inputs).mean(dim=0)
    return params, costs


def separation(X: torch.Tensor, Y: torch.Tensor, params: torch.Tensor) -> tuple[float, float]:
    """(accuracy, distance from the line w . x + b = 0 to the nearest point)."""
    X = X.to(torch.float64)
    z = X @ params[:-1] + params[-1]
    accuracy = ((z > 0).to(torch.float64) == Y.to(torch.float64)).to(torch.float64).mean().item()
    return accuracy, (z.abs().min() / params[:-1].norm()).item()


def course_data(X: list[list[float]], Y: list[float]) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)


@experiment(example='rerun("trains to a wider margin", "GOOD_INIT", "neuron_start", X=..., Y=..., alpha=0.1, iters=1000, baseline=[1.0, -1.0, 5.5])')
def neuron_start(value: Any, lookups: list, X: list[list[float]], Y: list[float], alpha: float, iters: int,
                 baseline: list[float]) -> str | None:
    """A starting point (w..., b) from which gradient descent separates every point and ends
    with a wider margin (distance of the nearest point to the p = 0.5 line) than training
    from `baseline` does."""
    inputs, labels = course_data(X, Y)
    start = numbers(value, len(baseline))
    if start is None:
        size = f" of length {len(value)}" if isinstance(value, (list, tuple)) else ""
        names = ", ".join([f"w{i}" for i in range(len(baseline) - 1)] + ["b"])
        return f"expected a tuple of {len(baseline)} finite numbers ({names}), got {kind_of(value)}{size}"
    params, _ = neuron_descent(inputs, labels, start, alpha, iters)
    if not bool(torch.isfinite(params).all()) or not bool(params[:-1].abs().sum() > 0):
        return f"gradient descent from {show_numbers(start)} does not end at a usable line"
    accuracy, distance = separation(inputs, labels, params)
    after = f"after {iters} step{'' if iters == 1 else 's'} of gradient descent (alpha {alpha:g}) from {show_numbers(start)}"
    if accuracy < 1:
        return f"{after}, {accuracy:.0%} of the points are classified correctly; a good start separates them all"
    _, base_distance = separation(inputs, labels, neuron_descent(inputs, labels, baseline, alpha, iters)[0])
    if distance <= base_distance:
        return (f"{after}, the nearest point is {distance:.2f} from the p = 0.5 line, no farther than after "
                f"training from {show_numbers(baseline)} ({base_distance:.2f}); a good start ends with a wider margin")
    return None


@experiment(example='rerun("final costs", "ans_u2_3_q1", "neuron_final_costs", lookups=[0.01, 0.1], X=..., Y=..., start=[1.0, -1.0, 5.5], iters=1000, alphas=[0.01, 0.1])')
def neuron_final_costs(value: Any, lookups: list, X: list[list[float]], Y: list[float], start: list[float],
                       iters: int, alphas: list[float], rtol: float = 0.05) -> str | None:
    """A dict from learning rate to the final cost (the last entry of the cost history) of
    `iters` steps from `start`; the entries for `alphas` (read as lookups) must agree with a
    re-run within `rtol`."""
    if not is_dict(value):
        return f"expected a dict from learning rate to final cost, got {kind_of(value)}"
    inputs, labels = course_data(X, Y)
    for alpha, reported in zip(alphas, lookups):
        if reported is None:
            return f"it has no entry for alpha = {alpha:g}"
        if isinstance(reported, float) and not math.isfinite(reported):
            return (f"the final cost for alpha = {alpha:g} is {reported}; compute the cost in a stable form "
                    f"(softplus) so that it stays finite")
        problem = plain_number(reported, f"the entry for alpha = {alpha:g}")
        if problem:
            return problem
        _, costs = neuron_descent(inputs, labels, start, alpha, iters)
        true = costs[-1].item()
        if abs(reported - true) > rtol * abs(true):
            return (f"the final cost for alpha = {alpha:g} ({reported:.4g}) is not within {rtol:.0%} of the cost "
                    f"after {iters} step{'' if iters == 1 else 's'} from {show_numbers(start)}")
    return None


@check_property(example='prop("accuracy on separable blobs", "train_neuron_vectorized", cases, "linear_accuracy", minimum=1.0)')
def linear_accuracy(ctx: CaseContext, minimum: float) -> str | None:
    """The result starts with (w, b) of a linear classifier; predicting label 1 where
    X @ w + b > 0 for the call's inputs X (first argument) is right, against the labels
    (second argument), for at least `minimum` of the points."""
    value = ctx.actual.result()
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        return f"expected a tuple (w, b, ...), got {kind_of(value)}"
    inputs, labels = (as_tensor(a) for a in (*ctx.args, None, None)[:2])
    if inputs is None or labels is None or inputs.ndim != 2:
        raise KeyError("linear_accuracy needs the points (N, k) and their labels as the first two arguments")
    w, b = as_tensor(value[0]), value[1]
    if w is None or tuple(w.shape) != (inputs.shape[1],):
        return f"expected w of shape ({inputs.shape[1]},) first in the result, got {kind_of(value[0])}"
    if isinstance(b, TensorData) and b.data.numel() == 1:
        b = b.data.reshape(()).item()
    if isinstance(b, bool) or not isinstance(b, (int, float)):
        return f"expected the bias b second in the result, got {kind_of(value[1])}"
    z = inputs.to(torch.float64) @ w.to(torch.float64) + b
    if not bool(torch.isfinite(z).all()):
        return "the trained parameters are not finite"
    accuracy = ((z > 0).to(torch.float64) == labels.to(torch.float64)).to(torch.float64).mean().item()
    if accuracy < minimum - 1e-9:
        return (f"the trained neuron classifies {accuracy:.1%} of the training points correctly; "
                f"at least {minimum:.0%} is expected")
    return None
