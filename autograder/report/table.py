"""The terminal (and notebook) view of a result: a table, one row per exercise.

Every piece of text goes to Rich as a `Text`, never as a markup string: messages quote what
the student's code raised or returned, and `[/]` or `[green]` there is data to show, not
markup to interpret (a markup string would crash the report or restyle it).
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from autograder.report.models import ExerciseResult, NotebookResult

MARKS = {"passed": ("✔", "green"), "partial": ("◐", "yellow"), "failed": ("✘", "red"),
         "not_found": ("✘", "red"), "not_graded": ("!", "magenta")}


def render(result: NotebookResult, details: bool = True) -> Group:
    parts: list = [_header(result)]
    if result.message:
        parts.append(Text(result.message, style="bold red"))
    parts.append(_table(result))
    if details:
        parts.extend(_details(result))
    for warning in result.warnings:
        parts.append(Text(f"note: {warning}", style="dim"))
    return Group(*parts)


def _header(result: NotebookResult) -> Text:
    mode = "public checks" if result.mode == "public" else "hidden checks"
    text = Text(f"{result.unit} · {result.notebook} · {mode}", style="bold")
    env = result.environment
    if env.torch:
        text.append(f"\ntorch {env.torch} on {env.device}" + (f" · {env.precision}" if env.precision else ""), style="dim")
    if env.reduced_isolation:
        text.append(f"\n{env.isolation}", style="yellow")
    return text


def _table(result: NotebookResult) -> Table:
    table = Table(show_lines=False, expand=False)
    table.add_column("exercise", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("result")
    for exercise in result.exercises:
        mark, colour = MARKS.get(exercise.status, ("?", "white"))
        summary = "not graded (see above)" if result.status == "not-gradable" else exercise.summary
        table.add_row(
            Text(f"{mark} {exercise.id}", style=colour),
            Text(f"{_num(exercise.points)} / {_num(exercise.max_points)}"),
            Text(summary),
        )
    manual = f"  (+ {_num(result.manual_points)} for the TA)" if result.manual_points else ""
    table.add_section()
    table.add_row(Text("total", style="bold"), Text(f"{_num(result.score)} / {_num(result.max_score)}", style="bold"),
                  Text(manual))
    return table


def _details(result: NotebookResult) -> list[Text]:
    lines = []
    for exercise in result.exercises:
        extra = _extra_lines(exercise)
        if extra:
            lines.append(Text(f"{exercise.id} {exercise.title}", style="bold"))
            lines.extend(Text(f"  {line}") for line in extra)
    return lines


def _extra_lines(exercise: ExerciseResult) -> list[str]:
    lines = list(exercise.notes)  # what happened to the exercise's cells comes before its symptoms
    failed = [c for c in exercise.checks if not c.passed]
    if len(failed) > 1 or (failed and failed[0].message != exercise.summary):
        lines += [f"✘ {c.name}: {c.message}" for c in failed]
    if exercise.manual_points:
        lines.append(f"for the TA: {exercise.manual} ({_num(exercise.manual_points)} points, graded by hand)")
    return lines


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def print_result(result: NotebookResult, console: Console | None = None) -> None:
    (console or Console()).print(render(result))
