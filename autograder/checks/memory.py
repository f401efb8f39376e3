"""Memory checks: views versus copies, in-place updates, inputs left untouched."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.rule import RuleKind
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


class MemoryRule(RuleKind):
    """Storage facts about the result and argument `arg` (a view, a copy, in place, input
    untouched); with `args_after_like_reference`, the argument after the call equals the
    reference's. Secondary."""

    kind: Literal["memory"] = "memory"
    secondary: ClassVar[bool] = True
    example: ClassVar[str] = 'memory("a view", "flip_rows", cases, result_shares_storage=True)'
    arg: int = Field(0, description="which argument the facts are about")
    expect: dict[Fact, bool] = Field(default_factory=dict, description="each fact required true or false")
    args_after_like_reference: bool = Field(
        False, description="the argument after the call must equal the reference's")

    def judge(self, ctx: CaseContext) -> str | None:
        failed = gate(ctx)
        if failed:
            return failed
        step = ctx.actual.step()
        facts = step.storage
        for fact, required in self.expect.items():
            if facts is None:
                return f"{ctx.artifact}: the grader could not inspect the result's memory"
            if fact.startswith("result_") and not facts.result_is_tensor:
                return f"{ctx.artifact}: {ctx.for_label()}expected a tensor result, got something else"
            observed = getattr(facts, fact)
            value = observed[self.arg] if self.arg < len(observed) else False
            if value != required:
                message = MESSAGES[fact][0 if required else 1]
                return f"{ctx.artifact}: {ctx.for_label()}{message}"
        if self.args_after_like_reference:
            expected = ctx.expected_ok().step()
            want = ctx.expected.decode(expected.args_after[self.arg]) if expected.args_after else None
            got = ctx.actual.decode(step.args_after[self.arg]) if step.args_after else None
            difference = compare(want, got, Tolerance(), Policy())
            if difference:
                return f"{ctx.artifact}: {ctx.for_label()}after the call the input is not as expected: {difference}"
        return None
