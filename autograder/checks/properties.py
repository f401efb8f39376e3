"""Property checks: facts about the student's results that need no reference.

Used where outputs are random (fair bits), timings (a loop is slower than a vectorised
call) or relations between calls (symmetry, reproducibility). Each property is a small
function registered by name with `@check_property` (here the general ones; a unit's own in
its public modules), so public check data can name it without shipping code.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, ClassVar, Literal

import torch

from pydantic import Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.registry import check_property
from autograder.checks.rule import RuleKind, Verdict
from autograder.checks.values import Policy, Tolerance, compare, kind_of
from autograder.protocol.codec import TensorData


class PropertyRule(RuleKind):
    """A named property of the student's results that needs no reference (see the registered
    properties); secondary or timed as the property was registered."""

    kind: Literal["property"] = "property"
    needs_reference: ClassVar[bool] = False
    example: ClassVar[str] = 'prop("fresh draws", "random_bits", cases, "results_differ")'
    name: str = Field(description="a registered property")
    params: dict[str, Any] = Field(default_factory=dict, description="the property's parameters")
    # copied from the property's registration when the unit loads, so that plans (and the
    # public check data) say how the check counts
    secondary_property: bool = Field(False, description="set from the registration when the unit loads")
    timed: bool = Field(False, description="set from the registration when the unit loads")

    def is_secondary(self) -> bool:
        return self.secondary_property

    def is_timing(self) -> bool:
        return self.timed

    def retries(self) -> int:
        return 2 if self.timed else 0  # a timing that failed is measured again (busy machines are noisy)

    def judge(self, ctx: CaseContext) -> str | None:
        failed = gate(ctx)
        if failed:
            return failed
        outcome = ctx.registry.get("property", self.name).function(ctx, **self.params)
        if isinstance(outcome, Verdict):  # a property that reports what it measured (for calibration)
            if outcome.passed:
                return outcome
            return replace(outcome, message=f"{ctx.artifact}: {ctx.for_label()}{outcome.message}")
        return f"{ctx.artifact}: {ctx.for_label()}{outcome}" if outcome else None


def as_tensor(value: Any) -> torch.Tensor | None:
    return value.data if isinstance(value, TensorData) and not value.is_numpy else None


@check_property(example='prop("fair", "random_bits", [case((8, 8, 32, 32))], "fair_bits", shape=[8, 8, 32, 32])')
def fair_bits(ctx: CaseContext, shape: list[int] | None = None, sigmas: float = 4.0,
              statistics: bool = True) -> str | None:
    """An integer tensor of `shape` (default: the first argument) holding i.i.d. fair 0/1
    values; with `statistics`, the share of ones and the lag-1 correlation are tested at
    `sigmas` standard errors."""
    if shape is None:
        shape = list(ctx.args[0]) if ctx.args else []
    value = ctx.actual.result()
    t = as_tensor(value)
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


@check_property(secondary=True, example='prop("fresh draws", "random_bits", [sequence(call(s), call(s))], '
                                         '"results_differ")')
def results_differ(ctx: CaseContext) -> str | None:
    """Two calls without a seed give different results."""
    first, second = ctx.actual.result(0), ctx.actual.result(1)
    if compare(first, second, Tolerance(rtol=0, atol=0), Policy()) is None:
        return "two calls gave identical results; each call should draw new random values"
    return None


@check_property(secondary=True, example='prop("uses the generator", "random_bits", seeded_pairs, "results_equal")')
def results_equal(ctx: CaseContext) -> str | None:
    """Calls with equally seeded generators (or swapped symmetric arguments) agree."""
    first = ctx.actual.result(0)
    for index in range(1, len(ctx.actual.outcomes)):
        difference = compare(first, ctx.actual.result(index), Tolerance(), Policy())
        if difference:
            return f"calls that should agree gave different results: {difference}"
    return None


@check_property(timing=True, example='prop("the loop is slower", "time_it", cases, "ratio_above", numerator=1, '
                                      'denominator=0, minimum=20)')
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


@check_property(example='prop("inside (0, 1)", "relu_neuron_fixed", cases, "open_interval", grads_wrt=[1, 2])')
def open_interval(ctx: CaseContext, low: float = 0.0, high: float = 1.0, grads_of: list[str] | None = None) -> str | None:
    """A floating-point tensor with one value per row of the first argument, every value
    strictly between `low` and `high` (a value rounded onto a bound fails); when gradients
    were observed, every gradient is finite (`grads_of` names them, in order)."""
    value = ctx.actual.result()
    t = as_tensor(value)
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
        gradient = as_tensor(ctx.actual.decode(encoded))
        if gradient is None:
            return f"the result does not depend on {name} in the autograd graph"
        bad = int((~torch.isfinite(gradient)).sum())
        if bad:
            return f"the gradient with respect to {name} has {bad} values that are nan or infinite"
    return None
