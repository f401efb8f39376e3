"""Class-level tables: grades.csv and the LMS import files (Moodle, Canvas)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from autograder.report.models import NotebookResult


@dataclass
class Row:
    """One student's line in every class table."""

    student: str
    name: str
    lms_id: str
    result: NotebookResult


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writer:
    """csv.writer whose text cells cannot start a spreadsheet formula: file and folder names
    come from students, and a cell such as `=HYPERLINK(...)` would run in the TA's
    spreadsheet. Such cells get a leading apostrophe, as spreadsheets themselves do."""

    def __init__(self, out: io.StringIO):
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, cells: list) -> None:
        self._writer.writerow([f"'{c}" if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c for c in cells])


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def reason(result: NotebookResult) -> str:
    """Why a submission is not simply "graded": what could not be read, or the limits hit."""
    if result.status == "graded":
        return ""
    if result.message:
        return result.message
    broken = [f"{e.id}: {e.summary}" for e in result.exercises if e.status == "not_graded"]
    return "; ".join(dict.fromkeys(result.incidents + broken))


def grades_csv(rows: list[Row], exercise_ids: list[str]) -> str:
    out = io.StringIO()
    writer = _Writer(out)
    writer.writerow(["student", "name", "lms_id", *exercise_ids, "total", "max", "status", "reason"])
    for row in rows:
        points = {e.id: _points(e.points) for e in row.result.exercises}
        writer.writerow([row.student, row.name, row.lms_id, *(points.get(i, "0") for i in exercise_ids),
                         _points(row.result.score), _points(row.result.max_score), row.result.status,
                         reason(row.result)])
    return out.getvalue()


def feedback_comment(result: NotebookResult, limit: int = 1500) -> str:
    parts = [f"{_points(result.score)}/{_points(result.max_score)} (automatic)"]
    if result.message:
        parts.append(result.message)
    for exercise in result.exercises:
        if exercise.points < exercise.max_points:
            parts.append(f"{exercise.id}: {exercise.summary}")
    text = " | ".join(parts)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def moodle_csv(rows: list[Row]) -> str:
    """Moodle's grading worksheet, as accepted by "Upload grading worksheet"."""
    out = io.StringIO()
    writer = _Writer(out)
    writer.writerow(["Identifier", "Full name", "Grade", "Maximum Grade", "Feedback comments"])
    for row in rows:
        identifier = f"Participant {row.lms_id}" if row.lms_id else ""
        writer.writerow([identifier, row.name or row.student, _points(row.result.score),
                         _points(row.result.max_score), feedback_comment(row.result)])
    return out.getvalue()


def canvas_csv(rows: list[Row], assignment: str) -> str:
    """Canvas's gradebook import: the fixed leading columns, then the assignment."""
    out = io.StringIO()
    writer = _Writer(out)
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment])
    max_score = max((r.result.max_score for r in rows), default=0)
    writer.writerow(["    Points Possible", "", "", "", "", _points(max_score)])
    for row in rows:
        writer.writerow([row.name or row.student, row.lms_id, "", "", "", _points(row.result.score)])
    return out.getvalue()
