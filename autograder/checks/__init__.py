"""The check primitives: each rule judges one case; a check passes when all its cases do."""

from __future__ import annotations

from autograder.checks import accuracy, answer, grads, memory, output, perf, properties, raises, rerun, source
from autograder.checks.context import CaseContext, Partial, ReferenceFailed
from autograder.checks.plan import CasePlan, CheckPlan, Rule
from autograder.protocol.codec import DecodeError

_EVALUATORS = {
    "output": output.evaluate,
    "raises": raises.evaluate,
    "memory": memory.evaluate,
    "perf": perf.evaluate,
    "answer": answer.evaluate,
    "property": properties.evaluate,
    "source": source.evaluate,
    "grad": grads.evaluate,
    "rerun": rerun.evaluate,
    "accuracy": accuracy.evaluate,
}


def evaluate(rule: Rule, ctx: CaseContext) -> str | None:
    """None when the case passes, else a message for the student."""
    try:
        return _EVALUATORS[rule.kind](rule, ctx)
    except DecodeError:
        return f"{ctx.artifact} returned something the grader cannot read"


__all__ = ["CaseContext", "CasePlan", "CheckPlan", "Partial", "ReferenceFailed", "Rule", "evaluate"]
