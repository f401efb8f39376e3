"""Re-run checks: the judge runs a small, fixed computation from the student's setting.

Some answers are settings rather than values: a starting point for training, or the final
costs a student saw for the learning rates they tried. Such a check reads the setting,
runs a trusted computation in the judge (never the student's code, never the reference
notebook) and judges what comes out. Each computation is a named experiment (registered
with `@experiment`, in the engine for general ones and in a unit's public modules for the
course's own), so public check data can name it without shipping code; its parameters
(data, step size, number of steps) travel with the plan.

A case's first step reads the constant itself; further steps may read entries from it
(`constant.get(key)`, for keys the plan lists in `lookups`), which works for dicts whose
keys the wire format cannot carry (floats).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, error_message
from autograder.checks.registry import experiment
from autograder.checks.rule import RuleKind
from autograder.checks.values import kind_of
from autograder.protocol.codec import Opaque, TensorData


class RerunRule(RuleKind):
    """The judge re-runs the named experiment from the student's setting (an answer constant)
    and judges what comes out; `lookups` are entries read from the setting."""

    kind: Literal["rerun"] = "rerun"
    needs_reference: ClassVar[bool] = False
    reads_constants: ClassVar[bool] = True
    example: ClassVar[str] = 'rerun("reaches the minimum", "EGG_RUN_1", "eggholder_run", targets=[[512, 404.2]])'
    experiment: str = Field(description="a registered experiment")
    params: dict[str, Any] = Field(default_factory=dict, description="the experiment's parameters")

    def judge(self, ctx: CaseContext) -> str | None:
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
        run = ctx.registry.get("experiment", self.experiment).function
        lookups = [None if outcome.error is not None else ctx.actual.result(i)
                   for i, outcome in enumerate(ctx.actual.outcomes) if i > 0]
        problem = run(value, lookups, **self.params)
        return f"{name}: {problem}" if problem else None


# --- reading a student's setting: what the experiments of every unit share ---------------

def numbers(value: Any, count: int) -> list[float] | None:
    """`count` finite real numbers from a tuple or list (or a tensor of that many), else None."""
    if isinstance(value, TensorData) and value.data.numel() == count and not value.data.is_complex():
        value = value.data.reshape(-1).tolist()
    if not isinstance(value, (list, tuple)) or len(value) != count:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value):
        return None
    return [float(v) for v in value]


def show_numbers(values: list[float]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in values) + ")"


def is_dict(value: Any) -> bool:
    """A dict, or one the wire carried only as its type (float keys, say: read it with lookups)."""
    return isinstance(value, dict) or (isinstance(value, Opaque) and value.type_name == "dict")


def plain_number(reported: Any, where: str) -> str | None:
    """None when `reported` is a finite Python number, else what is wrong with it."""
    if isinstance(reported, TensorData) and reported.data.numel() == 1:
        return f"{where} is a tensor; store a Python float (use .item())"
    if isinstance(reported, bool) or not isinstance(reported, (int, float)):
        return f"{where} should be a number, got {kind_of(reported)}"
    if not math.isfinite(reported):
        return f"{where} is {reported}, not a finite number"
    return None


def setting_dict(value: Any, keys: tuple[str, ...], what: str) -> dict | str:
    """A dict with (at least) `keys`, or the problem with it."""
    if not isinstance(value, dict):
        return f"expected a dict with keys {', '.join(map(repr, keys))}, got {kind_of(value)}"
    missing = [k for k in keys if k not in value]
    if missing:
        return f"{what} has no entry {missing[0]!r}"
    return value


def positive_number(value: Any) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
    return float(value) if ok else None


def step_count(value: Any, max_steps: int) -> int | str:
    """A setting's 'steps': a positive whole number (10_000 or 1e4) up to `max_steps`, or what is wrong."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return f"'steps' should be a positive int, got {kind_of(value)}"
    if value > max_steps:
        return f"'steps' is {value}; at most {max_steps:,} steps are allowed"
    return value


def unit_fraction(value: Any, name: str, zero_allowed: bool) -> float | str:
    """A setting's factor in [0, 1) (or (0, 1) without `zero_allowed`), or what is wrong."""
    interval = "[0, 1)" if zero_allowed else "(0, 1)"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"'{name}' should be a number in {interval}, got {kind_of(value)}"
    if not (0 <= value < 1 if zero_allowed else 0 < value < 1):
        return f"'{name}' is {value:g}; it should be in {interval}"
    return float(value)


# --- experiments any unit may use -------------------------------------------------------------

@experiment(example='rerun("one-epoch results", "ans_u2_8_q4", "within_bands", lookups=[1, 4], keys=[1, 4], '
                    'bands=[[0.66, 0.82], [0.67, 0.83]], what="the accuracy for batch size")')
def within_bands(value: Any, lookups: list, keys: list, bands: list[list[float]], what: str) -> str | None:
    """A dict whose entries for `keys` (read as lookups) are numbers inside the matching
    [low, high] bands: results a student measured, judged against the spread the reference
    shows over seeds (no re-run can reproduce one student's noisy run)."""
    if not is_dict(value):
        return f"expected a dict, got {kind_of(value)}"
    for key, (low, high), reported in zip(keys, bands, lookups):
        if reported is None:
            return f"it has no entry for {key!r}"
        problem = plain_number(reported, f"the entry for {key!r}")
        if problem:
            return problem
        if not low <= reported <= high:
            return (f"{what} {key} is {reported:.4g}, outside the range the course's own runs reach "
                    f"({low:g} to {high:g})")
    return None
