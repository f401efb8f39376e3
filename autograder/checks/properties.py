"""Property checks: facts about the student's results that need no reference.

Used where outputs are random (fair bits), timings (a loop is slower than a vectorised
call) or relations between calls (symmetry, reproducibility). Each property is a small
named function, so public check data can name it without shipping code.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Literal

import torch
from pydantic import BaseModel, ConfigDict

from autograder.checks.context import CaseContext, gate
from autograder.checks.values import Policy, Tolerance, compare, kind_of
from autograder.protocol.codec import TensorData


class PropertyRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["property"] = "property"
    name: str
    params: dict[str, Any] = {}
    retries: int = 0  # timing properties: a measurement that failed is taken again (busy machines are noisy)


def evaluate(rule: PropertyRule, ctx: CaseContext) -> str | None:
    failed = gate(ctx)
    if failed:
        return failed
    check = PROPERTIES.get(rule.name)
    if check is None:
        raise KeyError(f"unknown property {rule.name!r}")
    problem = check(ctx, **rule.params)
    return f"{ctx.artifact}: {ctx.for_label()}{problem}" if problem else None


def _tensor(value: Any) -> torch.Tensor | None:
    return value.data if isinstance(value, TensorData) and not value.is_numpy else None


def fair_bits(ctx: CaseContext, shape: list[int] | None = None, sigmas: float = 4.0,
              statistics: bool = True) -> str | None:
    """An integer tensor of `shape` (default: the first argument) holding i.i.d. fair 0/1
    values; with `statistics`, the share of ones and the lag-1 correlation are tested at
    `sigmas` standard errors."""
    if shape is None:
        shape = list(ctx.args[0]) if ctx.args else []
    value = ctx.actual.result()
    t = _tensor(value)
    if t is None:
        return f"expected a tensor, got {kind_of(value)}"
    if tuple(t.shape) != tuple(shape):
        return f"expected shape {tuple(shape)}, got {tuple(t.shape)}"
    if t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
        return f"expected an integer dtype such as int64, got {str(t.dtype).removeprefix('torch.')}"
    flat = t.reshape(-1).to(torch.float64)
    outside = ((flat != 0) & (flat != 1)).sum().item()
    if outside:
        return f"{int(outside)} values are neither 0 nor 1"
    if not statistics:
        return None
    n = flat.numel()
    mean = flat.mean().item()
    if abs(mean - 0.5) > sigmas * 0.5 / math.sqrt(n):
        return f"the share of ones is {mean:.3f}; for fair bits it should be close to 0.5"
    centred = flat - mean
    variance = (centred * centred).mean().item()
    if variance == 0:
        return "all values are equal"
    lag1 = (centred[1:] * centred[:-1]).mean().item() / variance
    if abs(lag1) > sigmas / math.sqrt(n):
        return f"neighbouring values are correlated (lag-1 correlation {lag1:.3f}); they should be independent"
    return None


def results_differ(ctx: CaseContext) -> str | None:
    """Two calls without a seed give different results."""
    first, second = ctx.actual.result(0), ctx.actual.result(1)
    if compare(first, second, Tolerance(rtol=0, atol=0), Policy()) is None:
        return "two calls gave identical results; each call should draw new random values"
    return None


def results_equal(ctx: CaseContext) -> str | None:
    """Calls with equally seeded generators (or swapped symmetric arguments) agree."""
    first = ctx.actual.result(0)
    for index in range(1, len(ctx.actual.outcomes)):
        difference = compare(first, ctx.actual.result(index), Tolerance(), Policy())
        if difference:
            return f"calls that should agree gave different results: {difference}"
    return None


def ratio_above(ctx: CaseContext, numerator: int, denominator: int, minimum: float, what: str = "ratio") -> str | None:
    """The result is a sequence whose item ratio exceeds `minimum` (soft timing facts)."""
    value = ctx.actual.result()
    if not isinstance(value, (list, tuple)) or len(value) <= max(numerator, denominator):
        return f"expected a tuple of numbers, got {kind_of(value)}"
    top, bottom = value[numerator], value[denominator]
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (top, bottom)):
        return "expected numbers (seconds) in the returned tuple"
    if bottom <= 0 or top <= 0:
        return "the returned times must be positive"
    if top / bottom < minimum:
        return f"the {what} is {top / bottom:.1f}; expected more than {minimum:g}"
    return None


def open_interval(ctx: CaseContext, low: float = 0.0, high: float = 1.0, grads_of: list[str] | None = None) -> str | None:
    """A floating-point tensor with one value per row of the first argument, every value
    strictly between `low` and `high` (a value rounded onto a bound fails); when gradients
    were observed, every gradient is finite (`grads_of` names them, in order)."""
    value = ctx.actual.result()
    t = _tensor(value)
    if t is None:
        return f"expected a tensor, got {kind_of(value)}"
    first = ctx.args[0] if ctx.args else None
    if isinstance(first, TensorData) and first.data.ndim >= 1 and tuple(t.shape) != (first.data.shape[0],):
        return f"expected shape ({first.data.shape[0]},), one value per point, got {tuple(t.shape)}"
    if not t.is_floating_point():
        return f"expected a floating-point dtype, got {str(t.dtype).removeprefix('torch.')}"
    flat = t.reshape(-1).to(torch.float64)
    outside = ~((flat > low) & (flat < high))  # NaN is outside too
    count = int(outside.sum())
    if count:
        index = int(torch.nonzero(outside)[0])
        return (f"{count} of {flat.numel()} values are not strictly between {low:g} and {high:g}; "
                f"first at [{index}]: {float(t.reshape(-1)[index]):.9g}")
    grads = ctx.actual.step().grads
    if grads is None:
        return None
    if grads.error is not None:
        return "the grader could not compute its gradients (is the result connected to the inputs in the autograd graph?)"
    names = grads_of or []
    for position, encoded in enumerate(grads.args):
        name = names[position] if position < len(names) else f"input {position}"
        gradient = _tensor(ctx.actual.decode(encoded))
        if gradient is None:
            return f"the result does not depend on {name} in the autograd graph"
        bad = int((~torch.isfinite(gradient)).sum())
        if bad:
            return f"the gradient with respect to {name} has {bad} values that are nan or infinite"
    return None


def linear_accuracy(ctx: CaseContext, minimum: float) -> str | None:
    """The result starts with (w, b) of a linear classifier; predicting label 1 where
    X @ w + b > 0 for the call's inputs X (first argument) is right, against the labels
    (second argument), for at least `minimum` of the points."""
    value = ctx.actual.result()
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        return f"expected a tuple (w, b, ...), got {kind_of(value)}"
    inputs, labels = (_tensor(a) for a in (*ctx.args, None, None)[:2])
    if inputs is None or labels is None or inputs.ndim != 2:
        raise KeyError("linear_accuracy needs the points (N, k) and their labels as the first two arguments")
    w, b = _tensor(value[0]), value[1]
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


PROPERTIES: dict[str, Callable[..., str | None]] = {
    "fair_bits": fair_bits,
    "results_differ": results_differ,
    "results_equal": results_equal,
    "ratio_above": ratio_above,
    "open_interval": open_interval,
    "linear_accuracy": linear_accuracy,
}
