"""Self-contained HTML pages: one feedback page per student and the class summary.

Pages come from the Jinja templates beside this module, rendered with autoescaping, so
everything a student or a notebook wrote is escaped. Pages hold no scripts, no external
resources and no timestamps (so a resumed batch produces identical files). Score
distributions are inline SVG bars that say how many students each holds.

The summary is written for a class of a hundred or more: paths are relative to the
submissions folder, identical problems are one row with the number of students and their
names, and every mean says that it is over the graded students.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from autograder.report.gradebook import Row, reason
from autograder.report.models import NotebookResult


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


_TEMPLATES = Environment(
    loader=PackageLoader("autograder.report", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
    undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True,
)
_TEMPLATES.filters["points"] = _num


def _render(template: str, **context) -> str:
    return _TEMPLATES.get_template(template).render(**context)


# --- per student ------------------------------------------------------------------------

def feedback_page(row: Row, title: str = "") -> str:
    result = row.result
    who = row.name or row.student
    return _render("feedback.html.j2", page_title=f"{result.unit} feedback: {who}", who=who, title=title,
                   result=result)


# --- the class ------------------------------------------------------------------------

@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    low: str
    high: str

    @property
    def middle(self) -> str:
        return f"{self.x + self.width / 2:.1f}"

    @property
    def label_y(self) -> str:
        return f"{self.y - 2:.1f}"


@dataclass
class Figure:
    name: str
    label: str
    bars: list[Bar]
    top: float
    mean: str
    width: int
    height: int


@dataclass
class Failure:
    count: int
    exercise: str
    message: str


@dataclass
class Trouble:
    problem: str
    students: list[str]


def summary_page(rows: list[Row], unit: str, exercise_ids: list[str], title: str = "") -> str:
    graded = [r for r in rows if r.result.status != "not-gradable"]
    totals = sorted(r.result.score for r in graded)
    max_score = max((r.result.max_score for r in rows), default=0)
    stats = [("submissions", "submissions", str(len(rows))),
             ("graded (partial failures included)", "graded", str(len(graded))),
             ("not gradable", "not-gradable", str(len(rows) - len(graded)))]
    if totals:
        stats += [("mean total over graded students", "mean-total",
                   f"{sum(totals) / len(totals):.2f} / {_num(max_score)}"),
                  ("median total over graded students", "median-total", f"{_median(totals):.2f}"),
                  ("lowest", "lowest", _num(totals[0])), ("highest", "highest", _num(totals[-1]))]
    figures = [_figure(exercise_id, *_scores(graded, exercise_id)) for exercise_id in ["total", *exercise_ids]]
    common = [Failure(n, exercise, message) for (exercise, message), n in _common_failures(rows)]
    return _render("summary.html.j2", page_title=f"{unit} summary", unit=unit, title=title, stats=stats,
                   graded=len(graded), figures=figures, common=common, trouble=_trouble(rows))


def _median(values: list[float]) -> float:
    n = len(values)
    return (values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2) if n else 0.0


def _scores(rows: list[Row], exercise_id: str) -> tuple[list[float], float]:
    if exercise_id == "total":
        return [r.result.score for r in rows], max((r.result.max_score for r in rows), default=0)
    values, top = [], 0.0
    for row in rows:
        for e in row.result.exercises:
            if e.id == exercise_id:
                values.append(e.points)
                top = max(top, e.max_points)
    return values, top


def _figure(name: str, values: list[float], top: float, bins: int = 10, width: int = 220,
            height: int = 100) -> Figure:
    counts = [0] * bins
    for value in values:
        index = min(int(value / top * bins), bins - 1) if top > 0 else 0
        counts[index] += 1
    tallest = max(counts) or 1
    step = width / bins
    room = height - 12 - 12  # the axis labels below, each bar's count above
    bars = []
    for i, count in enumerate(counts):
        h = room * count / tallest
        bars.append(Bar(x=round(i * step + 1, 1), y=round(height - 12 - h, 1), width=round(step - 2, 1),
                        height=round(h, 1), count=count, low=_num(round(top * i / bins, 2)),
                        high=_num(round(top * (i + 1) / bins, 2))))
    mean = f"{sum(values) / len(values):.2f}" if values else "-"
    label = f"{name}: how many graded students scored in each tenth of {_num(top)} points"
    return Figure(name, label, bars, top, mean, width, height)


_NUMBERS = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")


def _common_failures(rows: list[Row], top: int = 15) -> list[tuple[tuple[str, str], int]]:
    counter: Counter = Counter()
    for row in rows:
        seen = set()
        for exercise in row.result.exercises:
            for check in exercise.checks:
                if not check.passed and check.message:
                    key = (exercise.id, _NUMBERS.sub("#", check.message))
                    if key not in seen:
                        seen.add(key)
                        counter[key] += 1
    return counter.most_common(top)


def _trouble(rows: list[Row]) -> list[Trouble]:
    """Each distinct problem once, with the students who had it: at 120 students, thirty
    rows saying the same thing would hide the one that says something else."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        result = row.result
        if result.status == "not-gradable":
            problems = [reason(result)]
        else:
            problems = list(dict.fromkeys(result.incidents))
        for problem in problems:
            if result.notebook:  # "alice/unit1.ipynb is damaged" and "bob/unit1.ipynb is damaged" are one problem
                problem = problem.replace(result.notebook, "the notebook")
            groups.setdefault(problem, []).append(row.student)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return [Trouble(problem, sorted(students)) for problem, students in ordered]


def result_title(result: NotebookResult) -> str:
    return f"{result.unit}, checks version {result.checks_version}"
