"""Operation checks: the aten operations a call dispatched avoid the forbidden ones.

A convolution written by hand must not call the library's convolution, whatever name reaches
it: F.conv2d, nn.Conv2d, an alias, getattr(F, "con" + "v2d") and torch.ops.aten.convolution
all dispatch `convolution`; F.unfold dispatches `im2col` and Tensor.unfold `unfold`. The
worker records the names while the call runs (probes.run.OpRecorder); nothing is read from
the source text, so an honest loop is never flagged for the words it contains.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.rule import RuleKind


class OpsRule(RuleKind):
    """The call dispatches none of the `forbid`den aten operations (secondary: a function that
    does nothing dispatches nothing)."""

    kind: Literal["ops"] = "ops"
    needs_reference: ClassVar[bool] = False
    secondary: ClassVar[bool] = True
    example: ClassVar[str] = ('ops("no library convolution", "conv2d_single", cases, forbid=["convolution", '
                              '"im2col", "unfold"], reason="compute the sums yourself")')
    forbid: list[str] = Field(min_length=1, description="aten operation names, e.g. convolution, im2col, unfold")
    reason: str = Field("", description="why, for the feedback")

    def judge(self, ctx: CaseContext) -> str | None:
        failed = gate(ctx)
        if failed:
            return failed
        for index, outcome in enumerate(ctx.actual.outcomes):
            if outcome.ops is None:
                continue
            used = sorted(set(outcome.ops) & set(self.forbid))
            if used:
                why = f" ({self.reason})" if self.reason else ""
                names = ", ".join(f"aten.{op}" for op in used)
                return (f"{ctx.artifact}: {ctx.for_label(index)}it calls the operation {names}, which this exercise "
                        f"asks you not to use{why}")
        return None
