"""Answer checks: a constant such as `ans_u1_6_q2 = 2.0` or a multiple-choice letter.

Public checks must not ship the answers, so their expected values are stored as salted
hashes of a canonical form, leaf by leaf (a dict of answers keeps its keys, so feedback
can still say which entry is wrong). Feedback never states the expected answer.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, ReferenceFailed
from autograder.checks.rule import RuleKind
from autograder.checks.values import Policy, Tolerance, compare, kind_of
from autograder.protocol.codec import Opaque, TensorData
from autograder.protocol.text import short_message

HASH_PREFIX = "sha256:"


class AnswerRule(RuleKind):
    """A module-level answer constant (a number, a table or a multiple-choice letter) equals
    the reference's; public checks compare salted hashes."""

    kind: Literal["answer"] = "answer"
    reads_constants: ClassVar[bool] = True
    example: ClassVar[str] = 'answer("why", "ans_u1_1_q1", choices="ABCD")'
    choices: str | None = Field(None, description="e.g. \"ABCD\": the answer is one of these letters")
    digits: int = Field(6, description="significant digits that must agree for a float answer")
    hashed: bool = Field(False, description="set by assign: the release stores salted hashes")
    salt: str = Field("", description="set by assign")


    def judge(self, ctx: CaseContext) -> str | None:
        return judge_answer(self, ctx)


def judge_answer(rule: AnswerRule, ctx: CaseContext) -> str | None:
    name = ctx.artifact
    if ctx.actual.failure:
        return ctx.actual.failure
    error = ctx.actual.error()
    if error is not None:
        if error.kind == "missing":
            return f"{name} is not defined: write your answer as {name} = ..."
        return f"{name} could not be read ({error.type})"
    actual = normalise(rule, ctx.actual.result())
    if actual is None:
        return f"{name} has no answer yet"
    if rule.choices:
        if not (isinstance(actual, str) and len(actual) == 1 and actual in rule.choices):
            options = ", ".join(rule.choices)
            return f"{name} should be one of the letters {options}; got {_short(actual)}"
    expected = ctx.expected.result() if ctx.expected is not None else None
    if _contains_opaque(expected):
        # e.g. a dict with float keys, which the wire format cannot carry: every answer would
        # look alike. Such answers need a rerun check, which reads entries with .get(key).
        raise ReferenceFailed("the reference's answer cannot be compared as data")
    if _contains_opaque(actual):
        return f"{name} should hold plain numbers, strings, lists or dicts with string keys; got {kind_of(actual)}"
    wrong = _wrong_entry(rule, expected, actual, path="")
    if wrong is None:
        return None
    if rule.choices:
        return f"{name} = {actual!r} is not the right choice"
    return f"{name}{wrong} is not correct"


def _contains_opaque(value: Any) -> bool:
    if isinstance(value, Opaque):
        return True
    if isinstance(value, dict):
        return any(_contains_opaque(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_contains_opaque(v) for v in value)
    return False


def normalise(rule: AnswerRule, value: Any) -> Any:
    if rule.choices and isinstance(value, str):
        return value.strip().strip("()").upper()
    return value


def _wrong_entry(rule: AnswerRule, expected: Any, actual: Any, path: str) -> str | None:
    """'' when the whole answer is wrong, '[key]' for a wrong dict entry, None when right."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return ""
        for key, want in expected.items():
            if key not in actual:
                return f"[{key!r}] (missing)"
            wrong = _wrong_entry(rule, want, actual[key], f"{path}[{key!r}]")
            if wrong is not None:
                return f"[{key!r}]" + wrong
        extra = [k for k in actual if k not in expected]
        return f"[{extra[0]!r}] (not asked for)" if extra else None
    if rule.hashed:
        return None if isinstance(expected, str) and digest(rule, actual) == expected else ""
    return None if _matches(rule, expected, actual) else ""


def _matches(rule: AnswerRule, expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) or isinstance(actual, float):
        return canonical(expected, rule.digits) == canonical(actual, rule.digits)
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return canonical(expected, rule.digits) == canonical(actual, rule.digits)
    return compare(expected, actual, Tolerance(), Policy(sequence_types=False)) is None


def canonical(value: Any, digits: int) -> str:
    """A text form in which equal answers are equal: floats rounded, lists like tuples."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return f"n{value}"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"n{value}"
        if value == int(value) and abs(value) < 2**53:
            return f"n{int(value)}"
        return f"n{float(f'{value:.{digits}g}')!r}"
    if isinstance(value, str):
        return "s" + value.strip()
    if isinstance(value, (list, tuple)):
        return "(" + ",".join(canonical(v, digits) for v in value) + ")"
    if isinstance(value, TensorData) and value.data.numel() == 1:
        return canonical(value.data.item(), digits)
    return f"?{kind_of(value)}"


def digest(rule: AnswerRule, value: Any) -> str:
    text = rule.salt + canonical(normalise(rule, value), rule.digits)
    return HASH_PREFIX + hashlib.sha256(text.encode()).hexdigest()


def hash_leaves(rule: AnswerRule, value: Any) -> Any:
    """The expected answer with every leaf replaced by its digest (dict keys kept)."""
    if isinstance(value, dict):
        return {k: hash_leaves(rule, v) for k, v in value.items()}
    return digest(rule, value)


def _short(value: Any) -> str:
    return short_message(repr(value), 40)  # the value may have been set while hidden inputs were around
