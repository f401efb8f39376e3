"""What a rule needs to judge one case, and the messages shared by all rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograder.checks.observed import Observed
from autograder.checks.registry import ENGINE, Registry
from autograder.protocol.messages import ErrorInfo


class ReferenceFailed(Exception):
    """The reference itself failed on a case: a defect in the checks, not the student's."""


@dataclass
class CaseContext:
    artifact: str
    label: str
    expected: Observed | None  # None for public checks with only hashed or no expectations
    actual: Observed
    case_seconds: float
    step_labels: tuple[str, ...] = ()
    args: tuple = ()  # the first call's arguments, decoded inertly (for property checks)
    held: Any = None  # what the judge keeps from the worker for this case (an accuracy check's labels)
    registry: Registry = ENGINE  # the unit's properties, experiments and transforms

    def expected_ok(self) -> Observed:
        if self.expected is None:
            raise ReferenceFailed("no expected values for this check")
        if self.expected.failure or self.expected.first_error():
            raise ReferenceFailed("the reference failed on this case")
        return self.expected

    def for_label(self, step: int | None = None) -> str:
        label = self.step_labels[step] if step is not None and step < len(self.step_labels) else self.label
        return f"for {label}, " if label else ""


def error_message(artifact: str, error: ErrorInfo, case_seconds: float) -> str:
    """A failed call, in words a student understands."""
    if error.kind == "missing":
        return f"{artifact} is not defined: run the cell that defines it, and check its name"
    if error.kind == "not_implemented":
        return f"{artifact} is not implemented yet"
    if error.kind == "timeout":
        return f"{artifact} did not finish within {case_seconds:g} s"
    if error.kind == "memory":
        return f"{artifact} ran out of memory (memory limit exceeded)"
    if error.kind == "transport":
        return f"{artifact} returned something the grader cannot read: {error.message}"
    where = f" (line {error.line} of its cell)" if error.line else ""
    text = f"{artifact} raised {error.type}{where}"
    return f"{text}: {error.message}" if error.message else text


def gate(ctx: CaseContext, *, allow_error_in_last: bool = False) -> str | None:
    """The message for a case whose calls did not all run; None when they did."""
    if ctx.actual.failure:
        if ctx.actual.fatal:
            return ctx.actual.failure
        return f"{ctx.artifact}: {ctx.for_label()}{ctx.actual.failure}"
    found = ctx.actual.first_error()
    if found is None:
        return None
    index, error = found
    if allow_error_in_last and index == len(ctx.actual.outcomes) - 1 and error.kind in ("error",):
        return None
    message = error_message(ctx.artifact, error, ctx.case_seconds)
    return f"{ctx.for_label()}{message}" if error.kind in ("error", "timeout", "memory", "transport") else message
