"""Vectorisation checks: time against the reference, each normalised by a yardstick.

Each side times the call and, in the same process, an element-wise product on the same
input; the ratio of those two ratios compares the student with the reference fairly even
when they ran in different processes or on different machines (public checks).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.rule import RuleKind


class PerfRule(RuleKind):
    """Vectorised: the call's time, against the reference's, is at most `max_ratio` (each
    normalised by an element-wise product on the same input). Secondary and timed."""

    kind: Literal["perf"] = "perf"
    secondary: ClassVar[bool] = True
    timing: ClassVar[bool] = True
    measurement_retries: ClassVar[int] = 2  # a slow measurement is taken again: busy machines are noisy
    example: ClassVar[str] = 'perf("vectorised", "negatives_to_inf", lambda d: [case(d.randn(100_000))], max_ratio=5)'
    max_ratio: float = Field(5.0, description="how many times slower than the reference is accepted")
    hint: str = Field("avoid Python loops over elements; use tensor operations",
                      description="what the feedback advises when too slow")

    def judge(self, ctx: CaseContext) -> str | None:
        failed = gate(ctx)
        if failed:
            error = ctx.actual.error()
            timed_out = (error is not None and error.kind == "timeout") or (
                not ctx.actual.fatal and (ctx.actual.failure or "").startswith("did not finish"))
            if timed_out:
                return f"{ctx.artifact}: {ctx.for_label()}it did not finish within {ctx.case_seconds:g} s; {self.hint}"
            return failed
        slowdown = relative_slowdown(ctx)
        if slowdown is not None and slowdown > self.max_ratio:
            return (f"{ctx.artifact}: {ctx.for_label()}it is about {slowdown:.0f}x slower than a vectorised "
                    f"solution (at most {self.max_ratio:g}x is accepted); {self.hint}")
        return None



def relative_slowdown(ctx: CaseContext) -> float | None:
    expected = ctx.expected_ok().step()
    actual = ctx.actual.step()
    if not expected.seconds or actual.seconds is None:
        return None
    seconds = actual.seconds
    yardstick = actual.calibration_seconds
    if yardstick and expected.calibration_seconds:
        # the worker measures its own yardstick; one four times slower than the reference's is
        # not believed (both are the best of many: the processes are not that different, and a
        # looser cap let a loop fifty times slower pass as five)
        yardstick = min(yardstick, 4 * expected.calibration_seconds)
    student = seconds / yardstick if yardstick else seconds
    reference = expected.seconds / expected.calibration_seconds if expected.calibration_seconds else expected.seconds
    return student / reference if reference > 0 else None
