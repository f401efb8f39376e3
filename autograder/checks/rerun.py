"""Re-run checks: the judge runs a small, fixed computation from the student's setting.

Some answers are settings rather than values: a starting point for training, or the final
costs a student saw for the learning rates they tried. Such a check reads the setting,
runs a trusted computation in the judge (never the student's code, never the reference
notebook) and judges what comes out. Each computation is a named experiment, so public
check data can name it without shipping code; its parameters (data, step size, number of
steps) travel with the plan.

A case's first step reads the constant itself; further steps may read entries from it
(`constant.get(key)`, for keys the plan lists in `lookups`), which works for dicts whose
keys the wire format cannot carry (floats).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Literal

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict

from autograder.checks.context import CaseContext, error_message
from autograder.checks.values import kind_of
from autograder.protocol.codec import Opaque, TensorData


class RerunRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["rerun"] = "rerun"
    experiment: str
    params: dict[str, Any] = {}


def evaluate(rule: RerunRule, ctx: CaseContext) -> str | None:
    name = ctx.artifact
    if ctx.actual.failure:
        return ctx.actual.failure
    error = ctx.actual.error(0)
    if error is not None:
        if error.kind == "missing":
            return f"{name} is not defined: write your answer as {name} = ..."
        return error_message(name, error, ctx.case_seconds)
    value = ctx.actual.result(0)
    if value is None:
        return f"{name} has no answer yet"
    experiment = EXPERIMENTS.get(rule.experiment)
    if experiment is None:
        raise KeyError(f"unknown experiment {rule.experiment!r}")
    lookups = [None if outcome.error is not None else ctx.actual.result(i)
               for i, outcome in enumerate(ctx.actual.outcomes) if i > 0]
    problem = experiment(value, lookups, **rule.params)
    return f"{name}: {problem}" if problem else None


# --- the sigmoid neuron trained by full-batch gradient descent (unit 2) ---------------------

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


def _numbers(value: Any, count: int) -> list[float] | None:
    """`count` finite real numbers from a tuple or list (or a tensor of that many), else None."""
    if isinstance(value, TensorData) and value.data.numel() == count and not value.data.is_complex():
        value = value.data.reshape(-1).tolist()
    if not isinstance(value, (list, tuple)) or len(value) != count:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value):
        return None
    return [float(v) for v in value]


def _show(numbers: list[float]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in numbers) + ")"


def _data(X: list[list[float]], Y: list[float]) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)


def neuron_start(value: Any, lookups: list, X: list[list[float]], Y: list[float], alpha: float, iters: int,
                 baseline: list[float]) -> str | None:
    """A starting point (w..., b) from which gradient descent separates every point and ends
    with a wider margin (distance of the nearest point to the p = 0.5 line) than training
    from `baseline` does."""
    inputs, labels = _data(X, Y)
    start = _numbers(value, len(baseline))
    if start is None:
        size = f" of length {len(value)}" if isinstance(value, (list, tuple)) else ""
        names = ", ".join([f"w{i}" for i in range(len(baseline) - 1)] + ["b"])
        return f"expected a tuple of {len(baseline)} finite numbers ({names}), got {kind_of(value)}{size}"
    params, _ = neuron_descent(inputs, labels, start, alpha, iters)
    if not bool(torch.isfinite(params).all()) or not bool(params[:-1].abs().sum() > 0):
        return f"gradient descent from {_show(start)} does not end at a usable line"
    accuracy, distance = separation(inputs, labels, params)
    after = f"after {iters} step{'' if iters == 1 else 's'} of gradient descent (alpha {alpha:g}) from {_show(start)}"
    if accuracy < 1:
        return f"{after}, {accuracy:.0%} of the points are classified correctly; a good start separates them all"
    _, base_distance = separation(inputs, labels, neuron_descent(inputs, labels, baseline, alpha, iters)[0])
    if distance <= base_distance:
        return (f"{after}, the nearest point is {distance:.2f} from the p = 0.5 line, no farther than after "
                f"training from {_show(baseline)} ({base_distance:.2f}); a good start ends with a wider margin")
    return None


def neuron_final_costs(value: Any, lookups: list, X: list[list[float]], Y: list[float], start: list[float],
                       iters: int, alphas: list[float], rtol: float = 0.05) -> str | None:
    """A dict from learning rate to the final cost (the last entry of the cost history) of
    `iters` steps from `start`; the entries for `alphas` (read as lookups) must agree with a
    re-run within `rtol`."""
    if not (isinstance(value, dict) or (isinstance(value, Opaque) and value.type_name == "dict")):
        return f"expected a dict from learning rate to final cost, got {kind_of(value)}"
    inputs, labels = _data(X, Y)
    for alpha, reported in zip(alphas, lookups):
        if reported is None:
            return f"it has no entry for alpha = {alpha:g}"
        if isinstance(reported, float) and not math.isfinite(reported):
            return (f"the final cost for alpha = {alpha:g} is {reported}; compute the cost in a stable form "
                    f"(softplus) so that it stays finite")
        problem = _plain_number(reported, f"the entry for alpha = {alpha:g}")
        if problem:
            return problem
        _, costs = neuron_descent(inputs, labels, start, alpha, iters)
        true = costs[-1].item()
        if abs(reported - true) > rtol * abs(true):
            return (f"the final cost for alpha = {alpha:g} ({reported:.4g}) is not within {rtol:.0%} of the cost "
                    f"after {iters} step{'' if iters == 1 else 's'} from {_show(start)}")
    return None


def within_bands(value: Any, lookups: list, keys: list, bands: list[list[float]], what: str) -> str | None:
    """A dict whose entries for `keys` (read as lookups) are numbers inside the matching
    [low, high] bands: results a student measured, judged against the spread the reference
    shows over seeds (no re-run can reproduce one student's noisy run)."""
    if not (isinstance(value, dict) or (isinstance(value, Opaque) and value.type_name == "dict")):
        return f"expected a dict, got {kind_of(value)}"
    for key, (low, high), reported in zip(keys, bands, lookups):
        if reported is None:
            return f"it has no entry for {key!r}"
        problem = _plain_number(reported, f"the entry for {key!r}")
        if problem:
            return problem
        if not low <= reported <= high:
            return (f"{what} {key} is {reported:.4g}, outside the range the course's own runs reach "
                    f"({low:g} to {high:g})")
    return None


def _plain_number(reported: Any, where: str) -> str | None:
    if isinstance(reported, TensorData) and reported.data.numel() == 1:
        return f"{where} is a tensor; store a Python float (use .item())"
    if isinstance(reported, bool) or not isinstance(reported, (int, float)):
        return f"{where} should be a number, got {kind_of(reported)}"
    if not math.isfinite(reported):
        return f"{where} is {reported}, not a finite number"
    return None


# --- the eggholder surface and the scaled-blob neuron (unit 3) --------------------------------

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


def _setting(value: Any, keys: tuple[str, ...], what: str) -> dict | str:
    """A dict with (at least) `keys`, or the problem with it."""
    if not isinstance(value, dict):
        return f"expected a dict with keys {', '.join(map(repr, keys))}, got {kind_of(value)}"
    missing = [k for k in keys if k not in value]
    if missing:
        return f"{what} has no entry {missing[0]!r}"
    return value


def _positive_number(value: Any) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
    return float(value) if ok else None


def _steps(value: Any, max_steps: int) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return f"'steps' should be a positive int, got {kind_of(value)}"
    if value > max_steps:
        return f"'steps' is {value}; at most {max_steps:,} steps are allowed"
    return value


def _start_and_lr(setting: dict) -> tuple[list[float], float] | str:
    """A setting's 'start' (two finite numbers) and 'lr' (positive), or what is wrong."""
    start = _numbers(setting["start"], 2)
    if start is None:
        return f"'start' should be two finite numbers (w0, w1), got {kind_of(setting['start'])}"
    lr = _positive_number(setting["lr"])
    if lr is None:
        return f"'lr' should be a positive number, got {kind_of(setting['lr'])}"
    return start, lr


def _fraction(value: Any, name: str, zero_allowed: bool) -> float | str:
    """A setting's factor in [0, 1) (or (0, 1) without `zero_allowed`), or what is wrong."""
    interval = "[0, 1)" if zero_allowed else "(0, 1)"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"'{name}' should be a number in {interval}, got {kind_of(value)}"
    if not (0 <= value < 1 if zero_allowed else 0 < value < 1):
        return f"'{name}' is {value:g}; it should be in {interval}"
    return float(value)


def eggholder_run(value: Any, lookups: list, targets: list[list[float]], radius: float = 1.0,
                  max_steps: int = 10_000, min_start_distance: float = 0.0, decay: bool = False) -> str | None:
    """A setting {start, lr, steps} (with decay: {start, lr, gamma, steps}, 0 < gamma < 1, the
    rate multiplied by gamma after every step) from which gradient descent on the eggholder
    ends within `radius` of one of `targets`, starting at least `min_start_distance` from all."""
    keys = ("start", "lr", "gamma", "steps") if decay else ("start", "lr", "steps")
    setting = _setting(value, keys, "the setting")
    if isinstance(setting, str):
        return setting
    start_lr = _start_and_lr(setting)
    if isinstance(start_lr, str):
        return start_lr
    start, lr = start_lr
    gamma = _fraction(setting["gamma"], "gamma", zero_allowed=False) if decay else 1.0
    if isinstance(gamma, str):
        return gamma
    steps = _steps(setting["steps"], max_steps)
    if isinstance(steps, str):
        return steps
    if any(math.dist(start, t) < min_start_distance for t in targets):
        return (f"the start {_show(start)} is already within {min_start_distance:g} of the minimum; start farther "
                f"away and let gradient descent find it")
    end = eggholder_descent(start, lr, steps, gamma)
    rate = f"lr {lr:g}" + (f", multiplied by {gamma:g} after every step" if decay else "")
    run = f"{steps} step{'' if steps == 1 else 's'} of gradient descent ({rate}) from {_show(start)}"
    if not bool(torch.isfinite(end).all()):
        return f"{run} diverge"
    distances = [float((end - torch.tensor(t, dtype=torch.float64)).norm()) for t in targets]
    if min(distances) > radius:
        nearest = targets[distances.index(min(distances))]
        return (f"{run} end at {_show(end.tolist())}, {min(distances):.3g} away from the minimum "
                f"{_show(nearest)}; it should end within {radius:g} of it")
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


def adam_worse(value: Any, lookups: list, X: list[list[float]], Y: list[float], scale: list[float], bias: float,
               max_steps: int = 10_000, relative: float = 0.01, floor: float = 1e-4) -> str | None:
    """A setting {start, lr, momentum, steps} where Adam (same lr, PyTorch's other defaults)
    ends with a final cost at least `relative` above SGD with momentum's, plus `floor`."""
    setting = _setting(value, ("start", "lr", "momentum", "steps"), "the setting")
    if isinstance(setting, str):
        return setting
    start_lr = _start_and_lr(setting)
    if isinstance(start_lr, str):
        return start_lr
    start, lr = start_lr
    momentum = _fraction(setting["momentum"], "momentum", zero_allowed=True)
    if isinstance(momentum, str):
        return momentum
    steps = _steps(setting["steps"], max_steps)
    if isinstance(steps, str):
        return steps
    inputs, labels = _data(X, Y)
    inputs = inputs * torch.tensor(scale, dtype=torch.float64)
    sgd = optimiser_final_cost(inputs, labels, bias, start, steps,
                               lambda p: torch.optim.SGD(p, lr=lr, momentum=float(momentum)))
    adam = optimiser_final_cost(inputs, labels, bias, start, steps, lambda p: torch.optim.Adam(p, lr=lr))
    run = f"from {_show(start)} with lr {lr:g}, {steps} step{'' if steps == 1 else 's'}"
    if not (math.isfinite(sgd) and math.isfinite(adam)):
        return f"{run}, a final cost is not finite (SGD with momentum {sgd:.4g}, Adam {adam:.4g})"
    if adam < (1 + relative) * sgd + floor:
        return (f"{run}, Adam ends with cost {adam:.4g} and SGD with momentum {float(momentum):g} with {sgd:.4g}; "
                f"Adam should end at least {relative:.0%} + {floor:g} higher")
    return None


EXPERIMENTS: dict[str, Callable[..., str | None]] = {
    "neuron_start": neuron_start,
    "neuron_final_costs": neuron_final_costs,
    "eggholder_run": eggholder_run,
    "adam_worse": adam_worse,
    "within_bands": within_bands,
}
