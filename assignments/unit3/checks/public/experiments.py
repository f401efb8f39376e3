"""Unit 3's own judging: the eggholder surface and the scaled-blob neuron.

`eggholder_run` re-runs a student's gradient-descent setting on the eggholder in float64;
`adam_worse` compares Adam with SGD with momentum from a student's setting. Public: shipped
with the release for `autograder check`.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import torch
import torch.nn.functional as F

from autograder.checks.registry import experiment
from autograder.checks.rerun import numbers, positive_number, setting_dict, show_numbers, step_count, unit_fraction
from autograder.checks.values import kind_of


def course_data(X: list[list[float]], Y: list[float]) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)


def eggholder(w: torch.Tensor) -> torch.Tensor:
    """The eggholder function of w = (w0, w1) (float64, differentiable)."""
    w0, w1 = w[0], w[1]
    return (-(w1 + 47) * torch.sin(torch.sqrt(torch.abs(w1 + w0 / 2 + 47)))
            - w0 * torch.sin(torch.sqrt(torch.abs(w0 - (w1 + 47)))))


def eggholder_gradient(w0: float, w1: float) -> tuple[float, float]:
    """The eggholder's gradient at (w0, w1), in Python floats (what autograd gives away
    from the two kinks; at a kink, the sign of 0 is taken as 0, as torch.sign does)."""
    a, b = w1 + w0 / 2 + 47, w0 - (w1 + 47)
    ra, rb = math.sqrt(abs(a)), math.sqrt(abs(b))
    da = 0.0 if a == 0 else math.copysign(1.0, a) / (2 * ra)  # d sqrt|a| / da
    db = 0.0 if b == 0 else math.copysign(1.0, b) / (2 * rb)
    ca, cb = (w1 + 47) * math.cos(ra) * da, w0 * math.cos(rb) * db
    return -ca / 2 - math.sin(rb) - cb, -math.sin(ra) - ca + cb


def eggholder_descent(start: list[float], lr: float, steps: int, gamma: float = 1.0) -> torch.Tensor:
    """Gradient descent on the eggholder in float64, step t (from 0) with rate lr * gamma ** t
    (gamma 1: plain gradient descent): the final point."""
    w0, w1 = start
    for t in range(steps):
        g0, g1 = eggholder_gradient(w0, w1)
        rate = lr * gamma ** t
        w0, w1 = w0 - rate * g0, w1 - rate * g1
        if not (math.isfinite(w0) and math.isfinite(w1)) or max(abs(w0), abs(w1)) > 1e150:
            w0, w1 = math.inf, math.inf
            break
    return torch.tensor([w0, w1], dtype=torch.float64)


def start_and_lr(setting: dict) -> tuple[list[float], float] | str:
    """A setting's 'start' (two finite numbers) and 'lr' (positive), or what is wrong."""
    start = numbers(setting["start"], 2)
    if start is None:
        return f"'start' should be two finite numbers (w0, w1), got {kind_of(setting['start'])}"
    lr = positive_number(setting["lr"])
    if lr is None:
        return f"'lr' should be a positive number, got {kind_of(setting['lr'])}"
    return start, lr


@experiment(example='rerun("reaches the first minimum", "EGG_RUN_1", "eggholder_run", targets=[[512.0, 404.2319]], min_start_distance=50)')
def eggholder_run(value: Any, lookups: list, targets: list[list[float]], radius: float = 1.0,
                  max_steps: int = 10_000, min_start_distance: float = 0.0, decay: bool = False) -> str | None:
    """A setting {start, lr, steps} (with decay: {start, lr, gamma, steps}, 0 < gamma < 1, the
    rate multiplied by gamma after every step) from which gradient descent on the eggholder
    ends within `radius` of one of `targets`, starting at least `min_start_distance` from all."""
    keys = ("start", "lr", "gamma", "steps") if decay else ("start", "lr", "steps")
    setting = setting_dict(value, keys, "the setting")
    if isinstance(setting, str):
        return setting
    start_lr = start_and_lr(setting)
    if isinstance(start_lr, str):
        return start_lr
    start, lr = start_lr
    gamma = unit_fraction(setting["gamma"], "gamma", zero_allowed=False) if decay else 1.0
    if isinstance(gamma, str):
        return gamma
    steps = step_count(setting["steps"], max_steps)
    if isinstance(steps, str):
        return steps
    if any(math.dist(start, t) < min_start_distance for t in targets):
        return (f"the start {show_numbers(start)} is already within {min_start_distance:g} of the minimum; start farther "
                f"away and let gradient descent find it")
    end = eggholder_descent(start, lr, steps, gamma)
    rate = f"lr {lr:g}" + (f", multiplied by {gamma:g} after every step" if decay else "")
    run = f"{steps} step{'' if steps == 1 else 's'} of gradient descent ({rate}) from {show_numbers(start)}"
    if not bool(torch.isfinite(end).all()):
        return f"{run} diverge"
    distances = [float((end - torch.tensor(t, dtype=torch.float64)).norm()) for t in targets]
    if min(distances) > radius:
        nearest = targets[distances.index(min(distances))]
        return (f"{run} end at {show_numbers(end.tolist())}, {min(distances):.3g} away from the minimum "
                f"{show_numbers(nearest)}; it should end within {radius:g} of it")
    return None


def scaled_blob_cost(X: torch.Tensor, Y: torch.Tensor, w: torch.Tensor, bias: float) -> torch.Tensor:
    """Mean binary cross-entropy of sigmoid(X @ w + bias), computed stably."""
    z = X @ w + bias
    return (F.softplus(z) - Y * z).mean()


def optimiser_final_cost(X: torch.Tensor, Y: torch.Tensor, bias: float, start: list[float], steps: int,
                         make: Callable[[list[torch.Tensor]], torch.optim.Optimizer]) -> float:
    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimiser = make([w])
    for _ in range(steps):
        optimiser.zero_grad()
        scaled_blob_cost(X, Y, w, bias).backward()
        optimiser.step()
    with torch.no_grad():
        return scaled_blob_cost(X, Y, w, bias).item()


@experiment(example='rerun("Adam ends worse", "ADAM_WORSE_CONFIG", "adam_worse", X=..., Y=..., scale=[1.0, 100.0], bias=0.0)')
def adam_worse(value: Any, lookups: list, X: list[list[float]], Y: list[float], scale: list[float], bias: float,
               max_steps: int = 10_000, relative: float = 0.01, floor: float = 1e-4) -> str | None:
    """A setting {start, lr, momentum, steps} where Adam (same lr, PyTorch's other defaults)
    ends with a final cost at least `relative` above SGD with momentum's, plus `floor`."""
    setting = setting_dict(value, ("start", "lr", "momentum", "steps"), "the setting")
    if isinstance(setting, str):
        return setting
    start_lr = start_and_lr(setting)
    if isinstance(start_lr, str):
        return start_lr
    start, lr = start_lr
    momentum = unit_fraction(setting["momentum"], "momentum", zero_allowed=True)
    if isinstance(momentum, str):
        return momentum
    steps = step_count(setting["steps"], max_steps)
    if isinstance(steps, str):
        return steps
    inputs, labels = course_data(X, Y)
    inputs = inputs * torch.tensor(scale, dtype=torch.float64)
    sgd = optimiser_final_cost(inputs, labels, bias, start, steps,
                               lambda p: torch.optim.SGD(p, lr=lr, momentum=float(momentum)))
    adam = optimiser_final_cost(inputs, labels, bias, start, steps, lambda p: torch.optim.Adam(p, lr=lr))
    run = f"from {show_numbers(start)} with lr {lr:g}, {steps} step{'' if steps == 1 else 's'}"
    if not (math.isfinite(sgd) and math.isfinite(adam)):
        return f"{run}, a final cost is not finite (SGD with momentum {sgd:.4g}, Adam {adam:.4g})"
    if adam < (1 + relative) * sgd + floor:
        return (f"{run}, Adam ends with cost {adam:.4g} and SGD with momentum {float(momentum):g} with {sgd:.4g}; "
                f"Adam should end at least {relative:.0%} + {floor:g} higher")
    return None
