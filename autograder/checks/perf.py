"""Vectorisation checks: time against the reference, each normalised by a yardstick.

Each side times the call and, in the same process, an element-wise product on the same
input; the ratio of those two ratios compares the student with the reference fairly even
when they ran in different processes or on different machines (public checks).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from autograder.checks.context import CaseContext, gate


class PerfRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["perf"] = "perf"
    max_ratio: float = 5.0
    retries: int = 2  # a slow measurement is taken again: timings on a busy machine are noisy
    hint: str = "avoid Python loops over elements; use tensor operations"


def evaluate(rule: PerfRule, ctx: CaseContext) -> str | None:
    failed = gate(ctx)
    if failed:
        error = ctx.actual.error()
        timed_out = (error is not None and error.kind == "timeout") or (
            not ctx.actual.fatal and (ctx.actual.failure or "").startswith("did not finish"))
        if timed_out:
            return f"{ctx.artifact}: {ctx.for_label()}it did not finish within {ctx.case_seconds:g} s; {rule.hint}"
        return failed
    slowdown = relative_slowdown(ctx)
    if slowdown is not None and slowdown > rule.max_ratio:
        return (f"{ctx.artifact}: {ctx.for_label()}it is about {slowdown:.0f}x slower than a vectorised "
                f"solution (at most {rule.max_ratio:g}x is accepted); {rule.hint}")
    return None


def relative_slowdown(ctx: CaseContext) -> float | None:
    expected = ctx.expected_ok().step()
    actual = ctx.actual.step()
    if not expected.seconds or actual.seconds is None:
        return None
    seconds = actual.seconds
    yardstick = actual.calibration_seconds
    if yardstick and expected.calibration_seconds:
        # the worker measures its own yardstick; one ten times slower than the reference's
        # is not believed (the two machines, or processes, are not that different)
        yardstick = min(yardstick, 10 * expected.calibration_seconds)
    student = seconds / yardstick if yardstick else seconds
    reference = expected.seconds / expected.calibration_seconds if expected.calibration_seconds else expected.seconds
    return student / reference if reference > 0 else None
