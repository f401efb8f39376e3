"""Raises checks: bad input must raise the named exception."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.values import kind_of


class RaisesRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["raises"] = "raises"
    exceptions: list[str] = Field(min_length=1)


def evaluate(rule: RaisesRule, ctx: CaseContext) -> str | None:
    failed = gate(ctx, allow_error_in_last=True)
    if failed:
        return failed
    wanted = " or ".join(rule.exceptions)
    error = ctx.actual.error()
    if error is None:
        got = kind_of(ctx.actual.result())
        return f"{ctx.artifact}: {ctx.for_label()}it should raise {wanted}, but it returned {got}"
    if not set(rule.exceptions) & set(error.classes or [error.type]):
        return f"{ctx.artifact}: {ctx.for_label()}it should raise {wanted}, but it raised {error.type}"
    return None
