"""`autograder grade`: every submission of a class, graded once, resumably.

1. Find the submissions (any supported layout) and each one's notebook.
2. Skip those whose notebook and checks are unchanged since their last result.
3. Grade the others N at a time, each in its own sandboxed worker, with the hidden checks.
4. As each finishes, write its files (results, feedback page, annotated notebook, log)
   and then its record, each atomically.
5. Write the class files (grades.csv, LMS import, summary.html) from all records.
"""

from __future__ import annotations

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


def grade_batch(course: Course, sandbox: Sandbox, options: BatchOptions, executor: Executor | None = None,
                progress: Callable[[int, int], BatchProgress] | None = None) -> BatchReport:
    checkset = HiddenCheckSet(course, options.unit, threads=course.config.limits.threads)
    out = OutputFolder(options.out)
    run = out.run_info(options.unit, options.seed, fresh=options.force)
    layout, submissions = discover(options.submissions, options.unit, out.workdir)
    digests = {s.student: file_digest(s.notebook) for s in submissions}
    todo = [s for s in submissions if _needs_grading(s, out, digests[s.student], checkset.version, options)]
    make_progress = progress or (lambda total, kept: BatchProgress(total, kept))
    executor = executor or LocalExecutor(options.jobs)

    # a callable an executor runs here or ships to a cluster's nodes (batch/task.py)
    grade = GradeSubmission.here(course, checkset, sandbox, run.seed)

    with make_progress(len(todo), len(submissions) - len(todo)) as bar:
        try:
            for submission, outcome in executor.run(todo, grade):
                if isinstance(outcome, BaseException):
                    outcome = not_gradable_result(
                        checkset, f"the grader failed on this submission ({type(outcome).__name__}); "
                                  "please report it", sandbox)
                outcome.notebook = _relative(submission.notebook, options.submissions)
                _write_submission(out, submission, outcome, checkset.version, run.seed, digests[submission.student])
                bar.advance(submission.student, f"{outcome.score:g}/{outcome.max_score:g} {outcome.status}",
                            failed=outcome.status != "graded")
        except BaseException:
            executor.cancel()
            sandbox.close()
            raise

    present = {s.student for s in submissions}
    records = [r for r in out.records() if r.student in present and r.unit == options.unit]
    _write_class_files(out, records, checkset, options)
    statuses: dict[str, int] = {}
    for record in records:
        statuses[record.result.status] = statuses.get(record.result.status, 0) + 1
    return BatchReport(layout, len(submissions), len(todo), len(submissions) - len(todo), statuses, out.root)


def _needs_grading(submission: Submission, out: OutputFolder, digest: str, version: str, options: BatchOptions) -> bool:
    if options.only:
        return submission.student in options.only
    if options.force:
        return True
    record = out.record(submission.student)
    return not (record and record.notebook_sha256 == digest and record.checks_version == version
                and record.unit == options.unit)


def _relative(path: Path | None, base: Path) -> str:
    if path is None:
        return ""
    try:
        return str(path.relative_to(base))
    except ValueError:
        return path.name


def _write_submission(out: OutputFolder, submission: Submission, result: NotebookResult, version: str,
                      seed: int, digest: str) -> None:
    row = gradebook.Row(submission.student, submission.name, submission.lms_id, result)
    student = submission.student
    out.write(f"results/{student}.json", to_gradescope(result).model_dump_json(indent=2) + "\n")
    out.write(f"feedback/{student}.html", html.feedback_page(row, html.result_title(result)))
    if submission.notebook is not None:
        annotated = annotated_notebook(submission.notebook, result)
        if annotated is not None:
            out.write(f"feedback/{student}.ipynb", annotated)
    out.write(f"log/{student}.txt", result.output or "(the notebook printed nothing)\n")
    out.save_record(GradeRecord(
        student=student, name=submission.name, lms_id=submission.lms_id,
        notebook=result.notebook, notebook_sha256=digest, unit=result.unit,
        checks_version=version, seed=seed, result=result,
    ))


def _write_class_files(out: OutputFolder, records: list[GradeRecord], checkset: HiddenCheckSet,
                       options: BatchOptions) -> None:
    rows = [gradebook.Row(r.student, r.name, r.lms_id, r.result) for r in records]
    ids = [e.id for e in checkset.exercises]
    out.write("grades.csv", gradebook.grades_csv(rows, ids))
    if options.lms == "moodle":
        out.write(LMS_FILES["moodle"], gradebook.moodle_csv(rows))
    elif options.lms == "canvas":
        out.write(LMS_FILES["canvas"], gradebook.canvas_csv(rows, options.assignment_name or options.unit))
    title = f"{options.unit}, checks version {checkset.version}"
    out.write("summary.html", html.summary_page(rows, options.unit, ids, title))
