"""nbgrader-style solution regions and the stubs that replace them in the student release.

A region runs from a line containing `### BEGIN SOLUTION` to one containing
`### END SOLUTION`. A region of plain `name = value` assignments (answer constants)
becomes `name = None`; any other region becomes `raise NotImplementedError(...)` at the
region's indentation. A solution cell without markers is replaced whole, as in nbgrader.
Regions between `### BEGIN HIDDEN` and `### END HIDDEN` are removed entirely.
"""

from __future__ import annotations

import ast
import textwrap

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN", "### END HIDDEN"
CODE_STUB = "raise NotImplementedError(\"replace this line with your code\")"


class MarkerError(Exception):
    pass


def strip_solutions(source: str, where: str) -> str:
    lines = source.splitlines()
    if not any(BEGIN in line or END in line for line in lines):
        return _code_stub("")
    out: list[str] = []
    region: list[str] | None = None
    indent = ""
    for number, line in enumerate(lines, 1):
        if BEGIN in line:
            if region is not None:
                raise MarkerError(f"{where}: line {number} opens a solution region inside another")
            region, indent = [], line[: len(line) - len(line.lstrip())]
        elif END in line:
            if region is None:
                raise MarkerError(f"{where}: line {number} closes a solution region that was never opened")
            out.extend(stub_for(region, indent))
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise MarkerError(f"{where}: a solution region is not closed ({END} missing)")
    return "\n".join(out)


def strip_hidden(source: str, where: str) -> str:
    out, hidden = [], False
    for number, line in enumerate(source.splitlines(), 1):
        if BEGIN_HIDDEN in line:
            hidden = True
        elif END_HIDDEN in line:
            if not hidden:
                raise MarkerError(f"{where}: line {number} closes a hidden region that was never opened")
            hidden = False
        elif not hidden:
            out.append(line)
    if hidden:
        raise MarkerError(f"{where}: a hidden region is not closed ({END_HIDDEN} missing)")
    return "\n".join(out)


def stub_for(region: list[str], indent: str) -> list[str]:
    names = _assigned_constants(region)
    if names:
        return [f"{indent}{name} = None  # your answer" for name in names]
    return [f"{indent}# YOUR CODE HERE", f"{indent}{CODE_STUB}"]


def _code_stub(indent: str) -> str:
    return f"{indent}# YOUR CODE HERE\n{indent}{CODE_STUB}"


def _assigned_constants(region: list[str]) -> list[str]:
    try:
        tree = ast.parse(textwrap.dedent("\n".join(region)))
    except SyntaxError:
        return []
    names = []
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            return []
        names.append(statement.targets[0].id)
    return names
