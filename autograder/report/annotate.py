"""A copy of the student's notebook with a feedback cell under each graded cell.

The feedback cell is markdown, which Jupyter renders with HTML and LaTeX. Messages quote
what the student's code raised or returned, so every piece of text is escaped for both:
`<img src=...>` or a fake `<h2>10 / 10</h2>` in an error message shows as those characters,
never as an image or a heading.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

from autograder.notebook.reading import NotebookError, read_notebook
from autograder.report.models import ExerciseResult, NotebookResult


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


# what markdown (with GitHub's extensions) and MathJax read inside a line; `#`, `+`, `-` and
# `1.` matter only at the start of one, and text never starts a line here
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]~$|])")


def as_markdown_text(text: str) -> str:
    """`text` as literal characters in Jupyter markdown: HTML, markdown and LaTeX escaped,
    on one line (a line break could start a heading or end the list)."""
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped)


def feedback_markdown(exercise: ExerciseResult) -> str:
    t = as_markdown_text
    lines = [f"**autograder: {t(exercise.id)}, {_num(exercise.points)} / {_num(exercise.max_points)}**", ""]
    lines += [f"- {t(note)}" for note in exercise.notes]  # a cell that hung is the cause of what follows
    for check in exercise.checks:
        mark = "✔" if check.passed else "✘"
        detail = f": {t(check.message)}" if check.message and not check.passed else ""
        lines.append(f"- {mark} {t(check.name)}{detail}")
    if not exercise.checks:
        lines.append(f"- {t(exercise.summary)}")
    return "\n".join(lines)


def annotated_notebook(path: Path, result: NotebookResult) -> str | None:
    """The annotated notebook as JSON text; None when the notebook cannot be read."""
    try:
        nb = read_notebook(path)
    except NotebookError:
        return None
    by_cell: dict[int, list[ExerciseResult]] = {}
    unplaced: list[ExerciseResult] = []
    for exercise in result.exercises:
        if exercise.cell_index is not None and exercise.cell_index < len(nb.cells):
            by_cell.setdefault(exercise.cell_index, []).append(exercise)
        else:
            unplaced.append(exercise)
    cells = []
    for index, cell in enumerate(nb.cells):
        cells.append(cell)
        for exercise in by_cell.get(index, []):
            cells.append(_feedback_cell(exercise))
    for exercise in unplaced:
        cells.append(_feedback_cell(exercise))
    nb.cells = cells
    return nbformat.writes(nb)


def _feedback_cell(exercise: ExerciseResult):
    cell = nbformat.v4.new_markdown_cell(feedback_markdown(exercise))
    cell.metadata["autograder"] = {"feedback_for": exercise.id}
    cell["id"] = "autograder-" + exercise.id.replace(".", "-")  # stable, so re-runs write identical files
    return cell
