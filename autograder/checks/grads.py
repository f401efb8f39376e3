"""Gradient checks: the same upstream gradient gives the same input and parameter gradients."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, error_message, gate
from autograder.checks.rule import RuleKind
from autograder.checks.values import Policy, Tolerance, compare


class GradRule(RuleKind):
    """Gradients with respect to inputs (and the module's parameters) equal the reference's
    for the same upstream gradient."""

    kind: Literal["grad"] = "grad"
    example: ClassVar[str] = 'grad("gradients", "layer_norm", cases, wrt_args=[0], wrt_params=True)'
    rtol: float | None = Field(None, description="relative tolerance (default: by dtype)")
    atol: float | None = Field(None, description="absolute tolerance (default: by dtype)")
    scale: float = Field(1.0, description="multiplies both dtype defaults")

    def judge(self, ctx: CaseContext) -> str | None:
        failed = gate(ctx)
        if failed:
            return failed
        expected_step, actual_step = ctx.expected_ok().step(), ctx.actual.step()
        want, got = expected_step.grads, actual_step.grads
        if got is None or want is None:
            return f"{ctx.artifact}: the grader could not compute gradients"
        if got.error is not None:
            if "does not require grad" in got.error.message or "element 0 of tensors" in got.error.message:
                return (f"{ctx.artifact}: {ctx.for_label()}its result is not connected to the inputs in the autograd "
                        f"graph (was something detached or converted to a Python number?)")
            return f"{ctx.artifact}: {ctx.for_label()}computing gradients failed: " + error_message("backward", got.error, 0)
        tolerance = Tolerance(self.rtol, self.atol, self.scale)
        for position, (w, g) in enumerate(zip(want.args, got.args)):
            difference = _difference(ctx, w, g, tolerance)
            if difference:
                return f"{ctx.artifact}: {ctx.for_label()}the gradient with respect to input {position}: {difference}"
        for name, w in want.params.items():
            difference = _difference(ctx, w, got.params.get(name), tolerance)
            if difference:
                return f"{ctx.artifact}: {ctx.for_label()}the gradient of parameter {name!r}: {difference}"
        return None



def _difference(ctx: CaseContext, want, got, tolerance: Tolerance) -> str | None:
    if want is None and got is None:
        return None
    if got is None:
        return "it is missing (the result does not depend on it)"
    if want is None:
        return "it should be zero (the result should not depend on it)"
    return compare(ctx.expected.decode(want), ctx.actual.decode(got), tolerance, Policy(dtype="float"))
