"""`check("u1.3.q1")` inside a student's notebook: the CLI's report, for one exercise.

It grades the notebook file as last saved, in a sandboxed worker like the CLI does, so
what it says is what `autograder check` says. Inside the grader's own worker it does
nothing (the notebook is being graded, not checking itself).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from rich.console import Console

from autograder.cli.common import UsageError
from autograder.report.table import render
from autograder.worker.server import IN_WORKER_ENV

EXERCISE = re.compile(r"^u(\d+)\.\d+\.q\d+$")


def check(exercise: str | None = None, notebook: str | None = None) -> None:
    if os.environ.get(IN_WORKER_ENV):
        return None
    from autograder.cli.check import check_notebook

    console = Console()
    try:
        unit = _unit_of(exercise, notebook)
        path = Path(notebook) if notebook else find_current_notebook(unit)
        result = check_notebook(unit, path, only=[exercise] if exercise else None)
    except UsageError as exc:
        console.print(f"[red]check:[/red] {exc}", highlight=False)
        return None
    console.print(render(result))
    console.print(f"[dim]graded the last saved version of {path}; save (Ctrl+S) before checking[/dim]",
                  highlight=False)
    return None


def _unit_of(exercise: str | None, notebook: str | None) -> str:
    if exercise:
        match = EXERCISE.match(exercise)
        if not match:
            raise UsageError(f"{exercise!r} is not an exercise id like 'u1.3.q1'")
        return f"unit{match.group(1)}"
    name = Path(notebook or "").stem
    if re.match(r"^unit\d+$", name):
        return name
    raise UsageError("name the exercise, for example check('u1.3.q1')")


def find_current_notebook(unit: str) -> Path:
    """The running notebook's file: from Jupyter's or VS Code's hints, else UNIT.ipynb here."""
    hinted = os.environ.get("JPY_SESSION_NAME")
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None and "__vsc_ipynb_file__" in shell.user_ns:
            hinted = shell.user_ns["__vsc_ipynb_file__"]
    except ImportError:
        pass
    if hinted and hinted.endswith(".ipynb") and Path(hinted).is_file():
        return Path(hinted)
    return Path(f"{unit}.ipynb")
