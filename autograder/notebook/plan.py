"""Which cells must run for which exercise.

Each cell is parsed (never run) to learn the names it binds at top level and the names it
needs from earlier cells. An exercise needs the last cell that defines each of its
artifacts, plus, transitively, the last earlier cell binding each name those cells need.
Everything else (scratch cells, plots, long exploratory training runs) is not run, so a
broken or endless scratch cell cannot cost an exercise its points. Cells run in notebook
order, as with "Restart and Run All".
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

from autograder.notebook.reading import CodeCell
from autograder.notebook.source import to_python

BUILTINS = set(dir(builtins)) | {"display", "get_ipython", "__name__", "__file__"}


@dataclass
class CellInfo:
    cell: CodeCell
    python: str | None
    binds: set[str] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)
    star_import: bool = False
    syntax_error: str | None = None
    syntax_line: int | None = None


def analyse(cell: CodeCell) -> CellInfo:
    python = to_python(cell.source)
    info = CellInfo(cell, python)
    if python is None:
        return info
    try:
        tree = ast.parse(python)
    except SyntaxError as exc:
        info.syntax_error = exc.msg
        info.syntax_line = exc.lineno
        return info
    for statement in tree.body:
        loaded = _loaded_names(statement) - info.binds - _loop_and_context_targets(statement)
        info.needs |= loaded
        bound, star = _bound_names(statement)
        info.binds |= bound
        info.star_import |= star
    info.needs -= BUILTINS
    return info


def _loaded_names(statement: ast.stmt) -> set[str]:
    """Names read by the statement, including globals read inside its functions."""
    names: set[str] = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names - _locals_of_nested_scopes(statement)


def _loop_and_context_targets(statement: ast.stmt) -> set[str]:
    """Names a statement binds before its body reads them: `for i in ...`, `with ... as f`."""
    targets: set[str] = set()
    for node in _top_scope(statement):
        if isinstance(node, (ast.For, ast.AsyncFor)):
            targets |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            targets |= {n.id for n in ast.walk(node.optional_vars) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            targets.add(node.name)
    return targets


def _top_scope(node: ast.AST):
    """Like ast.walk, without entering function, class, lambda or comprehension bodies
    (names bound there are not bound at the cell's top level)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if current is not node and isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                       ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                                                       ast.GeneratorExp)):
            continue
        pending.extend(ast.iter_child_nodes(current))


def _locals_of_nested_scopes(statement: ast.stmt) -> set[str]:
    """Parameters and assigned names inside functions/lambdas/comprehensions (approximate)."""
    local: set[str] = set()
    for node in ast.walk(statement):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
                if arg is not None:
                    local.add(arg.arg)
            if not isinstance(node, ast.Lambda):
                globals_declared = {n for s in ast.walk(node) if isinstance(s, ast.Global) for n in s.names}
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store) and inner.id not in globals_declared:
                        local.add(inner.id)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            for generator in node.generators:
                for target in ast.walk(generator.target):
                    if isinstance(target, ast.Name):
                        local.add(target.id)
    return local


def _bound_names(statement: ast.stmt) -> tuple[set[str], bool]:
    """Top-level names a statement binds, and whether it is a star import."""
    bound: set[str] = set()
    star = False
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        bound.add(statement.name)
        return bound, star
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        for alias in statement.names:
            if alias.name == "*":
                star = True
            else:
                bound.add((alias.asname or alias.name).split(".")[0])
        return bound, star
    for node in _top_scope(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)  # defined inside if/try/with at top level
            bound |= {name for inner in ast.walk(node) if isinstance(inner, ast.Global) for name in inner.names}
        elif isinstance(node, ast.Global):
            bound.update(node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
    return bound, star


@dataclass
class ExerciseCells:
    """Where an exercise's code is and which cells it needs."""

    definitions: dict[str, int | None]      # artifact -> position (in `cells`) of its last definition
    needed: set[int]                        # positions of every cell to run for this exercise
    tagged: list[int]                       # cells whose nbgrader grade_id is the exercise id


def locate(cells: list[CellInfo], exercise_id: str, artifacts: list[str]) -> ExerciseCells:
    definitions: dict[str, int | None] = {}
    for artifact in artifacts:
        found = [i for i, info in enumerate(cells) if artifact in info.binds]
        definitions[artifact] = found[-1] if found else None
    tagged = [i for i, info in enumerate(cells) if info.cell.grade_id == exercise_id]
    start = {i for i in definitions.values() if i is not None}
    return ExerciseCells(definitions, _closure(cells, start), tagged)


def _closure(cells: list[CellInfo], start: set[int]) -> set[int]:
    needed: set[int] = set()
    pending = list(start)
    while pending:
        position = pending.pop()
        if position in needed:
            continue
        needed.add(position)
        for name in cells[position].needs:
            provider = _last_binding_before(cells, name, position)
            if provider is not None and provider not in needed:
                pending.append(provider)
        for earlier in range(position):
            if cells[earlier].star_import and earlier not in needed:
                pending.append(earlier)
    return needed


def _last_binding_before(cells: list[CellInfo], name: str, position: int) -> int | None:
    for earlier in range(position - 1, -1, -1):
        if name in cells[earlier].binds:
            return earlier
    return None
