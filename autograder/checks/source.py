"""Source checks: read the student's function text (parsed, never run) for loops or
forbidden shortcuts such as calling the very library function the exercise re-implements."""

from __future__ import annotations

import ast
from typing import Literal

from pydantic import BaseModel, ConfigDict

from autograder.checks.context import CaseContext, gate

LOOPS = (ast.For, ast.While, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
MAX_SOURCE = 200_000


class SourceRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["source"] = "source"
    no_loops: bool = False
    forbid: list[str] = []
    reason: str = ""


def evaluate(rule: SourceRule, ctx: CaseContext) -> str | None:
    failed = gate(ctx)
    if failed:
        return failed
    source = ctx.actual.step().source
    if source is None:
        return f"{ctx.artifact}: the grader cannot read its source; define it with def in a notebook cell"
    try:
        tree = ast.parse(_dedent(source[:MAX_SOURCE]))
    except SyntaxError:
        return f"{ctx.artifact}: the grader cannot parse its source"
    for node in ast.walk(tree):
        if rule.no_loops and isinstance(node, LOOPS):
            return f"{ctx.artifact}: it uses a Python loop (line {node.lineno} of the function); use tensor operations instead"
        used = _name_of(node)
        if used and used in rule.forbid:
            why = f" ({rule.reason})" if rule.reason else ""
            return f"{ctx.artifact}: it uses {used}, which this exercise asks you not to use{why}"
    return None


def _name_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.alias):
        return node.name.split(".")[0]
    return None


def _dedent(source: str) -> str:
    import textwrap

    return textwrap.dedent(source)
