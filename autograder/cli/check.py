"""`autograder check UNIT [NOTEBOOK]`: grade one notebook, print a table or results.json."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from autograder.cli.common import check_unit_name, course_at, public_checks, require_course, settings
from autograder.judge.checkset import CheckSet, HiddenCheckSet
from autograder.judge.grader import GradingOptions, grade_notebook
from autograder.report.gradescope import to_gradescope
from autograder.report.models import NotebookResult
from autograder.report.table import print_result
from autograder.sandbox import create_sandbox


def run_check(args: argparse.Namespace) -> int:
    unit = check_unit_name(args.unit)
    notebook = (args.notebook or Path(f"{unit}.ipynb")).expanduser()
    result = check_notebook(unit, notebook, hidden=args.hidden, only=args.only, course_dir=args.course,
                            backend=args.backend, seed=args.seed)
    if args.json:
        sys.stdout.write(to_gradescope(result).model_dump_json(indent=2) + "\n")
    else:
        print_result(result, Console())
    if result.status == "not-gradable":
        Console(stderr=True).print(f"[red]autograder check:[/red] {result.message}", highlight=False)
        return 1
    return 0


def check_notebook(unit: str, notebook: Path, *, hidden: bool = False, only: list[str] | None = None,
                   course_dir: Path | None = None, backend: str | None = None, seed: int | None = None) -> NotebookResult:
    course = course_at(course_dir, near=notebook.parent if notebook.parent.exists() else None)
    config = settings(course)
    checkset: CheckSet
    if hidden:
        course = course or require_course()
        checkset = HiddenCheckSet(course, unit, threads=config.limits.threads)
    else:
        checkset = public_checks(unit, notebook, course)
    if only:
        unknown = [o for o in only if o not in {e.id for e in checkset.exercises}]
        if unknown:
            from autograder.cli.common import UsageError

            raise UsageError(f"{unit} has no exercise {unknown[0]}")
    readonly = (course.data_dir,) if course is not None else ()
    sandbox = create_sandbox(config.sandbox, backend, readonly)
    return grade_notebook(checkset, notebook, sandbox, GradingOptions(config.limits, only=only, seed=seed))
