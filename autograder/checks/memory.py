"""Memory checks: views versus copies, in-place updates, inputs left untouched."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from autograder.checks.context import CaseContext, gate
from autograder.checks.values import Tolerance, Policy, compare

Fact = Literal["result_shares_storage", "result_same_data_ptr", "arg_storage_kept", "arg_unchanged"]

# what to say when a fact is not as required: (required True but false, required False but true)
MESSAGES: dict[str, tuple[str, str]] = {
    "result_shares_storage": (
        "the result is a copy; it should be a view that shares memory with the input",
        "the result shares memory with the input; it should be a new tensor (writing to it would change the input)",
    ),
    "result_same_data_ptr": (
        "the result does not start at the input's memory address; it should reuse the input's memory, not copy it",
        "the result starts at the input's memory address; it should be a separate tensor",
    ),
    "arg_storage_kept": (
        "the input was moved to new memory; change it in place (for example with an underscore method or x[:] = ...)",
        "the input kept its memory; it should have been replaced",
    ),
    "arg_unchanged": (
        "the input was modified; it must be left unchanged",
        "the input was not modified; the operation must happen in place",
    ),
}


class MemoryRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["memory"] = "memory"
    arg: int = 0
    expect: dict[Fact, bool] = {}
    args_after_like_reference: bool = False


def evaluate(rule: MemoryRule, ctx: CaseContext) -> str | None:
    failed = gate(ctx)
    if failed:
        return failed
    step = ctx.actual.step()
    facts = step.storage
    for fact, required in rule.expect.items():
        if facts is None:
            return f"{ctx.artifact}: the grader could not inspect the result's memory"
        if fact.startswith("result_") and not facts.result_is_tensor:
            return f"{ctx.artifact}: {ctx.for_label()}expected a tensor result, got something else"
        observed = getattr(facts, fact)
        value = observed[rule.arg] if rule.arg < len(observed) else False
        if value != required:
            message = MESSAGES[fact][0 if required else 1]
            return f"{ctx.artifact}: {ctx.for_label()}{message}"
    if rule.args_after_like_reference:
        expected = ctx.expected_ok().step()
        want = ctx.expected.decode(expected.args_after[rule.arg]) if expected.args_after else None
        got = ctx.actual.decode(step.args_after[rule.arg]) if step.args_after else None
        difference = compare(want, got, Tolerance(), Policy())
        if difference:
            return f"{ctx.artifact}: {ctx.for_label()}after the call the input is not as expected: {difference}"
    return None
