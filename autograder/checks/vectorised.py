"""Vectorisation checks by counting operations, not by the clock.

A case calls the function on batches of growing size. The worker counts the aten operations
each call dispatches (probes.run.OpRecorder): a loop over the samples dispatches a number of
operations that grows with the batch, tensor operations on the whole batch a number that does
not. Unlike a timing, the count is the same on a busy machine and an idle one, and unlike
reading the source, a loop over a few names (a dict of four gradients) is not mistaken for a
loop over the batch.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.rule import RuleKind


class VectorisedRule(RuleKind):
    """The operations the call dispatches do not grow with the batch: the last (largest) call
    of each case dispatches at most `max_growth` times as many as the first (smallest)."""

    kind: Literal["vectorised"] = "vectorised"
    needs_reference: ClassVar[bool] = False
    secondary: ClassVar[bool] = True
    example: ClassVar[str] = ('vectorised("no loop over the batch", "mlp_manual_backward", lambda d: [sequence('
                              'call(*batch(d, 4)), call(*batch(d, 64)))])')
    max_growth: float = Field(2.0, description="how many times more operations the largest call may dispatch")
    hint: str = Field("use tensor operations on the whole batch instead of a Python loop over its samples",
                      description="what the feedback advises")

    def judge(self, ctx: CaseContext) -> str | None:
        failed = gate(ctx)
        if failed:
            return failed
        counts = [outcome.op_count for outcome in ctx.actual.outcomes]
        if len(counts) < 2 or any(count is None for count in counts):
            return f"{ctx.artifact}: the grader could not count the operations of its calls"
        first, last = counts[0], counts[-1]
        if last > self.max_growth * max(first, 1):
            small, large = (ctx.step_labels[0], ctx.step_labels[-1]) if len(ctx.step_labels) >= 2 else ("", "")
            sizes = f" ({small}: {first}; {large}: {last})" if small else f" ({first}, then {last})"
            return (f"{ctx.artifact}: the number of operations it runs grows with the batch{sizes}: it loops over "
                    f"the samples; {self.hint}")
        return None
