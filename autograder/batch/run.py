"""`autograder grade`: every submission of a class, graded once, resumably.

1. Find the submissions (any supported layout) and each one's notebook.
2. Skip those whose notebook and checks are unchanged since their last result.
3. Grade the others N at a time, each in its own sandboxed worker, with the hidden checks.
4. As each finishes, write its files (results, feedback page, annotated notebook, log)
   and then its record, each atomically.
5. Write the class files (grades.csv, LMS import, summary.html) from all records.

Whatever one submission does to a step (reading, grading, any report writer), that step
fails for its row alone: the row says which step failed and why, the traceback goes to
the student's log (for the TA), and the run goes on to the next submission.
"""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from autograder.batch.executor import Executor, LocalExecutor
from autograder.batch.ingest import Submission, discover
from autograder.batch.progress import BatchProgress
from autograder.batch.store import GradeRecord, OutputFolder, file_digest
from autograder.batch.task import GradeSubmission
from autograder.config.loader import Course
from autograder.judge.checkset import HiddenCheckSet
from autograder.judge.grader import not_gradable_result
from autograder.notebook.units import exercises_found
from autograder.report import gradebook, html
from autograder.report.annotate import annotated_notebook
from autograder.report.gradescope import to_gradescope
from autograder.report.models import NotebookResult
from autograder.sandbox.base import Sandbox

LMS_FILES = {"moodle": "moodle_grades.csv", "canvas": "canvas_grades.csv"}


@dataclass
class BatchOptions:
    unit: str
    submissions: Path
    out: Path
    jobs: int = 2
    force: bool = False
    only: list[str] = field(default_factory=list)
    lms: str | None = None
    seed: int | None = None
    assignment_name: str = ""


@dataclass
class BatchReport:
    layout: str
    total: int
    graded: int
    kept: int
    statuses: dict[str, int]
    out: Path
    problems: list[str] = field(default_factory=list)  # class files that could not be written
    # students whose result was graded under other settings (checks, points, limits, engine or
    # seed) and kept, because this run graded only some students (--only)
    stale: list[str] = field(default_factory=list)


def grade_batch(course: Course, sandbox: Sandbox, options: BatchOptions, executor: Executor | None = None,
                progress: Callable[[int, int], BatchProgress] | None = None) -> BatchReport:
    checkset = HiddenCheckSet(course, options.unit, threads=course.config.limits.threads)
    out = OutputFolder(options.out)
    run = out.run_info(options.unit, options.seed, fresh=options.force)
    artifacts = {e.id: e.artifacts for e in checkset.exercises}
    layout, submissions = discover(options.submissions, options.unit, out.workdir,
                                   relevance=lambda path: exercises_found(path, options.unit, artifacts))
    digests = {s.student: _digest(s) for s in submissions}
    todo = [s for s in submissions if _needs_grading(s, out, digests[s.student], checkset.grading_key, run.seed,
                                                      options)]
    make_progress = progress or (lambda total, kept: BatchProgress(total, kept))
    executor = executor or LocalExecutor(options.jobs)

    # a callable an executor runs here or ships to a cluster's nodes (batch/task.py)
    grade = GradeSubmission.here(course, checkset, sandbox, run.seed)

    with make_progress(len(todo), len(submissions) - len(todo)) as bar:
        try:
            for submission, outcome in executor.run(todo, grade):
                if isinstance(outcome, BaseException):
                    if not isinstance(outcome, Exception):
                        raise outcome  # an interrupt, not the submission's doing
                    outcome = _grader_failed(checkset, sandbox, submission, outcome)
                outcome.notebook = _relative(submission.notebook, [options.submissions, out.workdir / "extracted",
                                                                   out.workdir])
                _shorten_paths(outcome, submission.notebook)
                _write_submission(out, submission, outcome, checkset, run.seed, digests[submission.student])
                bar.advance(submission.student, f"{outcome.score:g}/{outcome.max_score:g} {outcome.status}",
                            failed=outcome.status != "graded")
        except BaseException:
            executor.cancel()
            sandbox.close()
            raise

    present = {s.student for s in submissions}
    records = [r for r in out.records() if r.student in present and r.unit == options.unit]
    problems = _write_class_files(out, records, checkset, options)
    statuses: dict[str, int] = {}
    for record in records:
        statuses[record.result.status] = statuses.get(record.result.status, 0) + 1
    stale = sorted(r.student for r in records if r.grading_key != checkset.grading_key or r.seed != run.seed)
    return BatchReport(layout, len(submissions), len(todo), len(submissions) - len(todo), statuses, out.root,
                       problems, stale)


def _digest(submission: Submission) -> str:
    try:
        return file_digest(submission.notebook)
    except OSError:
        return ""  # unreadable: grading says so in the student's row


def _grader_failed(checkset: HiddenCheckSet, sandbox: Sandbox, submission: Submission,
                   error: Exception) -> NotebookResult:
    """A row for a submission on which the grader itself failed: what failed, and the
    traceback in the student's log for the TA, instead of an aborted run."""
    name = submission.notebook.name if submission.notebook is not None else submission.student
    result = not_gradable_result(
        checkset, f"the grader failed on {name} ({_describe(error)}); please report it with this row", sandbox)
    result.output = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return result


def _describe(error: BaseException) -> str:
    text = str(error).splitlines()[0][:200] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _needs_grading(submission: Submission, out: OutputFolder, digest: str, grading_key: str, seed: int,
                   options: BatchOptions) -> bool:
    """Whether a submission must be graded (again): its notebook, or anything that changes a
    grade (the unit's checks and reference, points, limits, the engine, the seed), changed."""
    if options.only:
        return submission.student in options.only
    if options.force:
        return True
    record = out.record(submission.student)
    return not (record and record.notebook_sha256 == digest and record.grading_key == grading_key
                and record.seed == seed and record.unit == options.unit)


def _relative(path: Path | None, bases: list[Path]) -> str:
    """The notebook's path as the TA knows it: inside the submissions folder or zip."""
    if path is None:
        return ""
    for base in bases:
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return path.name


def _shorten_paths(result: NotebookResult, notebook: Path | None) -> None:
    """Messages name the notebook by the path it was graded at (an absolute path in the
    work folder); the TA's pages and the student's feedback show the relative one."""
    if notebook is None or not result.notebook:
        return
    long, short = str(notebook), result.notebook

    def fix(text: str) -> str:
        return text.replace(long, short)

    result.message = fix(result.message)
    result.warnings = [fix(w) for w in result.warnings]
    result.incidents = [fix(i) for i in result.incidents]
    for exercise in result.exercises:
        exercise.summary = fix(exercise.summary)
        exercise.notes = [fix(n) for n in exercise.notes]
        exercise.incidents = [fix(i) for i in exercise.incidents]
        for check in exercise.checks:
            check.message = fix(check.message)


def _write_submission(out: OutputFolder, submission: Submission, result: NotebookResult, checkset: HiddenCheckSet,
                      seed: int, digest: str) -> None:
    """The student's files, each on its own: a writer that fails costs that file, named in
    the row's reason, never the other files, the record or the run."""
    row = gradebook.Row(submission.student, submission.name, submission.lms_id, result)
    student = submission.student
    writers: list[tuple[str, Callable[[], str | None]]] = [
        (f"feedback/{student}.ipynb",
         lambda: annotated_notebook(submission.notebook, result) if submission.notebook is not None else None),
        (f"results/{student}.json", lambda: to_gradescope(result).model_dump_json(indent=2) + "\n"),
        (f"feedback/{student}.html", lambda: html.feedback_page(row, html.result_title(result))),
    ]
    for relative, produce in writers:
        try:
            content = produce()
            if content is not None:
                out.write(relative, content)
        except Exception as error:  # noqa: BLE001 - one student's file must not end the run
            _writer_failed(result, relative, error)
    try:
        out.write(f"log/{student}.txt", (result.output or "(the notebook printed nothing)\n") + _internal_log(result))
    except Exception as error:  # noqa: BLE001
        _writer_failed(result, f"log/{student}.txt", error)
    out.save_record(GradeRecord(
        student=student, name=submission.name, lms_id=submission.lms_id,
        notebook=result.notebook, notebook_sha256=digest, unit=result.unit,
        checks_version=checkset.version, grading_key=checkset.grading_key, seed=seed, result=result,
    ))


def _internal_log(result: NotebookResult) -> str:
    """For the TA, after what the notebook printed: checks the grader could not run, and why
    (tracebacks of defects in the checks, which never reach the student's feedback)."""
    lines = [f"--- {e.id}: {note}" for e in result.exercises for note in e.internal]
    return ("\n=== the grader's own problems (not the student's) ===\n" + "\n".join(lines) + "\n") if lines else ""


def _writer_failed(result: NotebookResult, relative: str, error: Exception) -> None:
    """The grade stands; the row says which of its files is missing, for the TA."""
    result.incidents.append(f"{relative} could not be written ({_describe(error)}); the points are unaffected")
    if result.status == "graded":
        result.status = "partial-failure"
    result.output = (result.output or "") + "\n" + "".join(
        traceback.format_exception(type(error), error, error.__traceback__))


def _write_class_files(out: OutputFolder, records: list[GradeRecord], checkset: HiddenCheckSet,
                       options: BatchOptions) -> list[str]:
    """grades.csv, the LMS import and summary.html, each on its own; what failed, in words."""
    rows = [gradebook.Row(r.student, r.name, r.lms_id, r.result) for r in records]
    ids = [e.id for e in checkset.exercises]
    title = f"{options.unit}, checks version {checkset.version}"
    files: list[tuple[str, Callable[[], str]]] = [("grades.csv", lambda: gradebook.grades_csv(rows, ids))]
    if options.lms == "moodle":
        files.append((LMS_FILES["moodle"], lambda: gradebook.moodle_csv(rows)))
    elif options.lms == "canvas":
        files.append((LMS_FILES["canvas"], lambda: gradebook.canvas_csv(rows, options.assignment_name or options.unit)))
    files.append(("summary.html", lambda: html.summary_page(rows, options.unit, ids, title)))
    problems = []
    for relative, produce in files:
        try:
            out.write(relative, produce())
        except Exception as error:  # noqa: BLE001 - the other class files are still written
            problems.append(f"{relative} could not be written ({_describe(error)})")
            traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
    return problems
