"""Raises checks: bad input must raise the named exception."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.rule import RuleKind
from autograder.checks.values import kind_of


class RaisesRule(RuleKind):
    """The call raises one of `exceptions` (secondary: a function that always raises would
    pass every such check)."""

    kind: Literal["raises"] = "raises"
    needs_reference: ClassVar[bool] = False
    secondary: ClassVar[bool] = True
    example: ClassVar[str] = 'raises("integer input", "negatives_to_inf", [case(torch.arange(6))], ["TypeError"])'
    exceptions: list[str] = Field(min_length=1, description="accepted exception class names (a subclass counts)")

    def judge(self, ctx: CaseContext) -> str | None:
        failed = gate(ctx, allow_error_in_last=True)
        if failed:
            return failed
        wanted = " or ".join(self.exceptions)
        error = ctx.actual.error()
        if error is None:
            got = kind_of(ctx.actual.result())
            return f"{ctx.artifact}: {ctx.for_label()}it should raise {wanted}, but it returned {got}"
        if not set(self.exceptions) & set(error.classes or [error.type]):
            return f"{ctx.artifact}: {ctx.for_label()}it should raise {wanted}, but it raised {error.type}"
        return None
