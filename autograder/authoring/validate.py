"""`autograder validate UNIT`: the release is sound only if

- the solution notebook scores full marks (hidden and public checks),
- the untouched student notebook scores zero (hidden and public checks),
- every registered common mistake loses the points of the checks that name it,
- the released notebook and public check data match the current solutions.

Mistakes are graded in rounds: round k appends the k-th mistake of every exercise after
that exercise's cell, in one notebook, because each exercise is graded on its own.
"""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.authoring.assign import public_files, student_notebook
from autograder.config.loader import Course
from autograder.exercises.loader import PUBLIC
from autograder.exercises.public import PublicDataError
from autograder.exercises.spec import Mistake
from autograder.judge.checkset import HiddenCheckSet, PublicCheckSet
from autograder.judge.grader import GradingOptions, grade_notebook
from autograder.notebook.reading import read_notebook
from autograder.report.models import ExerciseResult, NotebookResult
from autograder.sandbox.base import Sandbox


@dataclass
class Finding:
    what: str
    ok: bool
    detail: str = ""


@dataclass
class ValidationReport:
    unit: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def add(self, what: str, ok: bool, detail: str = "") -> None:
        self.findings.append(Finding(what, ok, detail))


def validate(course: Course, unit: str, sandbox: Sandbox, mistakes: bool = True) -> ValidationReport:
    report = ValidationReport(unit)
    limits = course.config.limits
    hidden = HiddenCheckSet(course, unit, threads=limits.threads)
    release = course.assignments / unit
    solution_nb, student_nb = hidden.notebook, release / f"{unit}.ipynb"
    _check_release_is_current(report, hidden, release)
    checksets = [("hidden", hidden)]
    try:
        checksets.append(("public", PublicCheckSet(release / "checks")))
    except PublicDataError as exc:
        report.add("public check data can be read", False, str(exc))

    options = GradingOptions(limits, seed=1)
    for label, checkset in checksets:
        full = grade_notebook(checkset, solution_nb, sandbox, options)
        report.add(f"solution scores full marks ({label} checks)", full.score == full.max_score > 0,
                   _shortfall(full))
        if student_nb.exists():
            stub = grade_notebook(checkset, student_nb, sandbox, options)
            report.add(f"untouched student notebook scores zero ({label} checks)", stub.score == 0,
                       _gains(stub))
    if mistakes:
        _validate_mistakes(report, hidden, sandbox, options)
    return report


def _check_release_is_current(report: ValidationReport, hidden: HiddenCheckSet, release: Path) -> None:
    notebook = release / f"{hidden.unit}.ipynb"
    if not notebook.exists():
        report.add("student notebook exists", False, f"{notebook} is missing; run autograder assign {hidden.unit}")
        return
    expected = student_notebook(read_notebook(hidden.notebook))
    actual = read_notebook(notebook)
    same = [c.source for c in expected.cells] == [c.source for c in actual.cells]
    report.add("student notebook matches the solutions", same,
               "" if same else f"run autograder assign {hidden.unit} to regenerate it")
    try:
        public = PublicCheckSet(release / "checks")
    except PublicDataError:
        return
    report.add("public check data matches the hidden checks", public.version == hidden.version,
               "" if public.version == hidden.version else f"run autograder assign {hidden.unit} to regenerate it")
    same_code = public_files(hidden.folder / PUBLIC) == public_files(release / "checks" / PUBLIC)
    report.add("the release's public code matches the solutions'", same_code,
               "" if same_code else f"run autograder assign {hidden.unit} to regenerate it")


def _validate_mistakes(report: ValidationReport, hidden: HiddenCheckSet, sandbox: Sandbox,
                       options: GradingOptions) -> None:
    rounds = max((len(s.mistakes) for s in hidden.specs), default=0)
    solution = read_notebook(hidden.notebook)
    with tempfile.TemporaryDirectory(prefix="autograder-validate-") as tmp:
        for k in range(rounds):
            chosen = {s.id: s.mistakes[k] for s in hidden.specs if len(s.mistakes) > k}
            path = Path(tmp) / f"mistakes-{k}.ipynb"
            nbformat.write(append_after_exercises(solution, {i: m.code for i, m in chosen.items()}), str(path))
            graded = grade_notebook(hidden, path, sandbox,
                                    GradingOptions(options.limits, only=list(chosen), seed=options.seed))
            for exercise_id, mistake in chosen.items():
                ok, detail = mistake_caught(next(e for e in graded.exercises if e.id == exercise_id), mistake)
                report.add(f"{exercise_id}: mistake '{mistake.name}' is caught", ok, detail)


def append_after_exercises(notebook: nbformat.NotebookNode, code: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of `notebook` with a new cell of `code[id]` right after each exercise's cell,
    so that its definitions replace the exercise's (as when a student redefines them)."""
    nb, code = copy.deepcopy(notebook), dict(code)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in code and cell.cell_type == "code":
            cells.append(nbformat.v4.new_code_cell(code.pop(grade_id)))
    nb.cells = cells
    if code:
        raise ValueError(f"no cell tagged {sorted(code)} in the notebook")
    return nb


def mistake_caught(exercise: ExerciseResult, mistake: Mistake) -> tuple[bool, str]:
    """Whether a graded mistake is caught: every check it names fails and earns nothing (not
    even partial credit), one of them says `mistake.says`, and the exercise loses points.
    (ok, the message of the first named check, or what is wrong). The one definition that
    `autograder validate` and the unit tests share."""
    checks = {c.name: c for c in exercise.checks}
    missing = [name for name in mistake.fails if name not in checks]
    if missing or not exercise.checks:
        return False, f"check(s) {missing or mistake.fails} were not run; summary: {exercise.summary}"
    still_earning = [name for name in mistake.fails if checks[name].passed or checks[name].points > 0]
    if still_earning:
        earned = ", ".join(f"{n} ({checks[n].points:g} of {checks[n].max_points:g})" for n in still_earning)
        return False, f"check(s) still earn points: {earned}; summary: {exercise.summary}"
    if mistake.says and not any(mistake.says in checks[n].message for n in mistake.fails):
        messages = " | ".join(checks[n].message for n in mistake.fails)
        return False, f"message does not mention {mistake.says!r}: {messages}"
    if exercise.points >= exercise.max_points:
        return False, "the exercise still earns full marks"
    return True, checks[mistake.fails[0]].message


def _shortfall(result: NotebookResult) -> str:
    if result.message:
        return result.message
    lost = [f"{e.id}: {e.summary}" for e in result.exercises if e.points < e.max_points]
    return f"{result.score:g}/{result.max_score:g}" + ("; " + "; ".join(lost) if lost else "")


def _gains(result: NotebookResult) -> str:
    gained = [f"{e.id} ({e.points:g})" for e in result.exercises if e.points > 0]
    return "points for " + ", ".join(gained) if gained else ""
