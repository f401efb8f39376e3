"""A copy of the student's notebook with a feedback cell under each graded cell."""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.notebook.reading import NotebookError, read_notebook
from autograder.report.models import ExerciseResult, NotebookResult


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def feedback_markdown(exercise: ExerciseResult) -> str:
    lines = [f"**autograder: {exercise.id}, {_num(exercise.points)} / {_num(exercise.max_points)}**", ""]
    for check in exercise.checks:
        mark = "✔" if check.passed else "✘"
        detail = f": {check.message}" if check.message and not check.passed else ""
        lines.append(f"- {mark} {check.name}{detail}")
    lines += [f"- {note}" for note in exercise.notes]
    if not exercise.checks:
        lines.append(f"- {exercise.summary}")
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
