"""`autograder check UNIT [NOTEBOOK]`: grade one notebook, print a table or results.json.

The worker is spawned before the judge imports torch, so the two imports overlap.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from autograder.cli.common import UsageError, check_unit_name, course_at, public_checks, require_course, settings
from autograder.config.loader import DATA_ENV
from autograder.sandbox import create_sandbox


def run_check(args: argparse.Namespace) -> int:
    unit = check_unit_name(args.unit)
    notebook = (args.notebook or Path(f"{unit}.ipynb")).expanduser()
    result = check_notebook(unit, notebook, hidden=args.hidden, only=args.only, course_dir=args.course,
                            backend=args.backend, seed=args.seed)
    if args.json:
        from autograder.report.gradescope import to_gradescope

        sys.stdout.write(to_gradescope(result).model_dump_json(indent=2) + "\n")
    else:
        from autograder.report.table import print_result

        print_result(result, Console())
    if result.status == "not-gradable":
        Console(stderr=True).print(Text.assemble(("autograder check:", "red"), " ", result.message), highlight=False)
        # another unit's notebook: the command named the wrong unit, a usage error the message corrects
        return 2 if result.other_unit else 1
    return 0


def check_notebook(unit: str, notebook: Path, *, hidden: bool = False, only: list[str] | None = None,
                   course_dir: Path | None = None, backend: str | None = None, seed: int | None = None):
    """Grade one notebook with the public (or, for staff, hidden) checks of `unit`."""
    course = course_at(course_dir, near=notebook.parent if notebook.parent.exists() else None)
    config = settings(course)
    # a student without the course checkout names the data folder with AUTOGRADER_DATA
    data = course.data_dir if course is not None else (Path(os.environ[DATA_ENV]) if os.environ.get(DATA_ENV) else None)
    sandbox = create_sandbox(config.sandbox, backend, data_dir=data, hidden=hidden)
    pending = sandbox.spawn(config.limits)
    try:
        from autograder.judge.checkset import HiddenCheckSet
        from autograder.judge.grader import GradingOptions, grade_notebook

        if hidden:
            checkset = HiddenCheckSet(course or require_course(), unit, threads=config.limits.threads)
        else:
            checkset = public_checks(unit, notebook, course)
        unknown = [o for o in only or [] if o not in {e.id for e in checkset.exercises}]
        if unknown:
            raise UsageError(f"{unit} has no exercise {unknown[0]}")
    except BaseException:
        pending.close()
        raise
    options = GradingOptions(config.limits, only=only, seed=seed, pending=pending)
    return grade_notebook(checkset, notebook, sandbox, options)
