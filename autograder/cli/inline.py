"""`check("u1.3.q1")` inside a student's notebook: the CLI's report, for one exercise.

It grades the notebook in a sandboxed worker like the CLI does, so what it says is what
`autograder check` says: the file as last saved (Jupyter, VS Code), or, in Colab, the
notebook as it is open (current_notebook.py finds which). The kernel keeps a worker started
ahead (spare.py), so checks after the first answer in well under a second. Inside the
grader's own worker it does nothing (the notebook is being graded, not checking itself).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from autograder.cli.common import UsageError
from autograder.cli.current_notebook import FoundNotebook, NotebookNotFound, find_current_notebook
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
        found = FoundNotebook(Path(notebook), "given") if notebook else find_current_notebook(unit, exercise)
        result = check_notebook(unit, found.path, only=[exercise] if exercise else None, workers=spares())
    except (UsageError, NotebookNotFound) as exc:
        console.print(Text.assemble(("check:", "red"), " ", str(exc)), highlight=False)
        return None
    console.print(render(result))
    console.print(Text(found.saved_note, style="dim"), highlight=False)
    if in_ipython():
        spares().start_next()
    return None


@functools.cache
def spares():
    """This process's workers started ahead (a kernel checks many times)."""
    from autograder.cli.spare import SpareWorkers

    return SpareWorkers()


def in_ipython() -> bool:
    """True in a Jupyter kernel or an IPython shell, where the next check() is likely."""
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    return get_ipython() is not None


def start_ahead() -> None:
    """Spawn a worker for this kernel's first check, with the settings of the course around
    the working folder. Called when `autograder` is imported in a kernel; never raises."""
    try:
        from autograder.cli.common import course_at, data_folder, settings
        from autograder.cli.spare import warm_enabled

        if not warm_enabled():
            return
        course = course_at(None, near=Path.cwd())
        spares().start_for(settings(course), data_folder(course))
    except Exception:  # noqa: BLE001 - a failed head start only makes the first check slower
        return


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
