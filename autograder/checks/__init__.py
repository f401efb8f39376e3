"""The check primitives: each rule judges one case; a check passes when all its cases do.

Every rule kind is one class in a module of this package (see `checks.rule`); `checks.plan`
imports every module, so `checks.plan.Rule` knows every kind.
"""

from __future__ import annotations

from autograder.checks.context import CaseContext, ReferenceFailed
from autograder.checks.plan import CasePlan, CheckPlan, Rule
from autograder.checks.rule import RULE_KINDS, RuleKind, Verdict, as_verdict
from autograder.protocol.codec import DecodeError


def evaluate(rule: RuleKind, ctx: CaseContext) -> Verdict:
    """How the case came out under `rule`. Raises ReferenceFailed when the reference itself
    failed; any other exception is a defect in the checks (the caller decides its cost)."""
    try:
        return as_verdict(rule.judge(ctx))
    except DecodeError:
        return Verdict.fail(f"{ctx.artifact} returned something the grader cannot read")


__all__ = ["CaseContext", "CasePlan", "CheckPlan", "RULE_KINDS", "ReferenceFailed", "Rule", "RuleKind", "Verdict",
           "evaluate"]
