"""Source checks: read the student's function text (parsed, never run) for loops or
forbidden shortcuts such as calling the very library function the exercise re-implements."""

from __future__ import annotations

import ast
from typing import ClassVar, Literal

from pydantic import Field

from autograder.checks.context import CaseContext, gate
from autograder.checks.rule import RuleKind

LOOPS = (ast.For, ast.While, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
MAX_SOURCE = 200_000


class SourceRule(RuleKind):
    """The function's source (parsed, never run) has no loops or avoids forbidden names.
    Secondary."""

    kind: Literal["source"] = "source"
    needs_reference: ClassVar[bool] = False
    secondary: ClassVar[bool] = True
    example: ClassVar[str] = 'source("without autograd", "neuron_point_grad", cases, forbid=["backward"])'
    no_loops: bool = Field(False, description="no for/while loops or comprehensions in the function")
    forbid: list[str] = Field(default_factory=list, description="names the function must not use")
    reason: str = Field("", description="why, for the feedback")

    def judge(self, ctx: CaseContext) -> str | None:
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
        local = _local_names(tree)
        for node in ast.walk(tree):
            if self.no_loops and isinstance(node, LOOPS):
                return f"{ctx.artifact}: it uses a Python loop (line {node.lineno} of the function); use tensor operations instead"
            for used in _names_used(node, local):
                if used in self.forbid:
                    why = f" ({self.reason})" if self.reason else ""
                    return f"{ctx.artifact}: it uses {used}, which this exercise asks you not to use{why}"
        return None



def _local_names(tree: ast.AST) -> set[str]:
    """Parameters and variables the function assigns: a local `np = x.numel()` is not NumPy."""
    local: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            local |= {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            local.add(node.id)
    return local


def _names_used(node: ast.AST, local: set[str]) -> list[str]:
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in local:
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.Import):
        return [a.name.split(".")[0] for a in node.names] + [a.name.split(".")[-1] for a in node.names]
    if isinstance(node, ast.ImportFrom):
        return [(node.module or "").split(".")[0], *(a.name for a in node.names)]
    return []


def _dedent(source: str) -> str:
    import textwrap

    return textwrap.dedent(source)
