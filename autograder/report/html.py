"""Self-contained HTML pages: one feedback page per student and the class summary.

Everything a student or a notebook wrote is escaped. Pages hold no scripts, no external
resources and no timestamps (so a resumed batch produces identical files). Score
distributions are drawn as inline SVG.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from autograder.report.gradebook import Row, reason
from autograder.report.models import ExerciseResult, NotebookResult

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}.passed{color:#1a7f37}.partial{color:#9a6700}
.failed,.not_found,.not_graded{color:#cf222e}.total{font-weight:bold}.muted{color:#666;font-size:.9rem}
ul.checks{margin:.2rem 0;padding-left:1.2rem}figure{display:inline-block;margin:.5rem 1rem .5rem 0}
figcaption{font-size:.85rem;text-align:center}
"""


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


# --- per student ------------------------------------------------------------------------

def feedback_page(row: Row, title: str = "") -> str:
    result = row.result
    heading = f"{escape(result.unit)} feedback for {escape(row.name or row.student)}"
    parts = [f"<h1>{heading}</h1>"]
    if title:
        parts.append(f"<p class=\"muted\">{escape(title)}</p>")
    parts.append(f"<p class=\"total\" id=\"total\">Total: {_num(result.score)} / {_num(result.max_score)}</p>")
    if result.manual_points:
        parts.append(f"<p class=\"muted\">Plus up to {_num(result.manual_points)} points your TA grades by hand.</p>")
    if result.message:
        parts.append(f"<p class=\"failed\">{escape(result.message)}</p>")
    parts.append("<table><thead><tr><th>exercise</th><th class=\"num\">points</th><th>what the checks found</th>"
                 "</tr></thead><tbody>")
    parts += [_exercise_row(e) for e in result.exercises]
    parts.append("</tbody></table>")
    for warning in result.warnings:
        parts.append(f"<p class=\"muted\">{escape(warning)}</p>")
    return _page(f"{result.unit} feedback: {row.name or row.student}", "\n".join(parts))


def _exercise_row(exercise: ExerciseResult) -> str:
    items = []
    for check in exercise.checks:
        mark = "✔" if check.passed else "✘"
        detail = f": {escape(check.message)}" if check.message and not check.passed else ""
        items.append(f"<li>{mark} {escape(check.name)} ({_num(check.points)}/{_num(check.max_points)}){detail}</li>")
    items += [f"<li>{escape(note)}</li>" for note in exercise.notes]
    if exercise.manual_points:
        items.append(f"<li>for the TA: {escape(exercise.manual)} ({_num(exercise.manual_points)} points)</li>")
    checks = f"<ul class=\"checks\">{''.join(items)}</ul>" if items else ""
    hint = "" if exercise.status == "passed" else f"<div>{escape(exercise.summary)}</div>"
    return (f"<tr><td class=\"{escape(exercise.status)}\">{escape(exercise.id)}<br>"
            f"<span class=\"muted\">{escape(exercise.title)}</span></td>"
            f"<td class=\"num\">{_num(exercise.points)} / {_num(exercise.max_points)}</td>"
            f"<td>{hint}{checks}</td></tr>")


# --- the class ------------------------------------------------------------------------

def summary_page(rows: list[Row], unit: str, exercise_ids: list[str], title: str = "") -> str:
    graded = [r for r in rows if r.result.status != "not-gradable"]
    totals = sorted(r.result.score for r in graded)
    max_score = max((r.result.max_score for r in rows), default=0)
    parts = [f"<h1>{escape(unit)}: class summary</h1>"]
    if title:
        parts.append(f"<p class=\"muted\">{escape(title)}</p>")
    parts.append("<table><tbody>")
    stats = [("submissions", str(len(rows))), ("graded", str(len(graded))),
             ("not gradable", str(len(rows) - len(graded)))]
    if totals:
        stats += [("mean total", f"{sum(totals) / len(totals):.2f} / {_num(max_score)}"),
                  ("median total", f"{_median(totals):.2f}"), ("lowest", _num(totals[0])), ("highest", _num(totals[-1]))]
    parts += [f"<tr><th>{escape(k)}</th><td class=\"num\" id=\"stat-{escape(k.replace(' ', '-'))}\">{escape(v)}</td></tr>"
              for k, v in stats]
    parts.append("</tbody></table>")

    parts.append("<h2>Score distribution per exercise</h2><div>")
    for exercise_id in ["total", *exercise_ids]:
        values, top = _scores(graded, exercise_id)
        parts.append(f"<figure>{_histogram(values, top)}<figcaption>{escape(exercise_id)} "
                     f"(mean {(sum(values) / len(values)) if values else 0:.2f} / {_num(top)})</figcaption></figure>")
    parts.append("</div>")

    parts.append("<h2>Most common failure messages</h2>")
    common = _common_failures(rows)
    if common:
        parts.append("<table><thead><tr><th class=\"num\">students</th><th>exercise</th><th>message</th></tr></thead><tbody>")
        parts += [f"<tr><td class=\"num\">{n}</td><td>{escape(ex)}</td><td>{escape(msg)}</td></tr>"
                  for (ex, msg), n in common]
        parts.append("</tbody></table>")
    else:
        parts.append("<p>No failures.</p>")

    parts.append("<h2>Crashed, hung, over a limit or not gradable</h2>")
    trouble = _trouble(rows)
    if trouble:
        parts.append("<table><thead><tr><th>student</th><th>what happened</th></tr></thead><tbody>")
        parts += [f"<tr><td>{escape(s)}</td><td>{escape(t)}</td></tr>" for s, t in trouble]
        parts.append("</tbody></table>")
    else:
        parts.append("<p>None.</p>")
    return _page(f"{unit} summary", "\n".join(parts))


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


def _histogram(values: list[float], top: float, bins: int = 10, width: int = 220, height: int = 90) -> str:
    counts = [0] * bins
    for value in values:
        index = min(int(value / top * bins), bins - 1) if top > 0 else 0
        counts[index] += 1
    tallest = max(counts) or 1
    bar = width / bins
    rects = []
    for i, count in enumerate(counts):
        h = (height - 15) * count / tallest
        rects.append(f"<rect x=\"{i * bar + 1:.1f}\" y=\"{height - 12 - h:.1f}\" width=\"{bar - 2:.1f}\" "
                     f"height=\"{h:.1f}\" fill=\"#4a7bd0\"><title>{count}</title></rect>")
    axis = (f"<text x=\"0\" y=\"{height}\" font-size=\"9\">0</text>"
            f"<text x=\"{width}\" y=\"{height}\" font-size=\"9\" text-anchor=\"end\">{_num(top)}</text>")
    return (f"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\">"
            f"{''.join(rects)}{axis}</svg>")


_NUMBERS = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")


def _common_failures(rows: list[Row], top: int = 10) -> list[tuple[tuple[str, str], int]]:
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


def _trouble(rows: list[Row]) -> list[tuple[str, str]]:
    found = []
    for row in rows:
        result = row.result
        if result.status == "not-gradable":
            found.append((row.student, reason(result)))
            continue
        if result.incidents:
            found.append((row.student, "; ".join(dict.fromkeys(result.incidents))))
    return found


def result_title(result: NotebookResult) -> str:
    return f"{result.unit}, checks version {result.checks_version}"
