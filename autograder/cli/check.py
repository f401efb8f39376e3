"""`autograder check UNIT [NOTEBOOK]`: grade one notebook, print a table or results.json.

The worker is spawned before the judge imports torch, so the two imports overlap.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from autograder.cli.common import (
    UsageError, check_unit_name, course_at, data_folder, public_checks, require_course, settings,
)
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
                   course_dir: Path | None = None, backend: str | None = None, seed: int | None = None,
                   workers=None):
    """Grade one notebook with the public (or, for staff, hidden) checks of `unit`. `workers`
    gives the sandbox and a spawned worker (a kernel's spare, see spare.py); by default both
    are new."""
    course = course_at(course_dir, near=notebook.parent if notebook.parent.exists() else None)
    config = settings(course)
    data = data_folder(course)
    sandbox, pending = (workers or start_worker)(config, backend, data, hidden)
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


def start_worker(config, backend: str | None, data: Path | None, hidden: bool):
    """A new sandbox and a worker spawned in it at once, so that its start-up (importing
    torch) overlaps the judge's own imports."""
    sandbox = create_sandbox(config.sandbox, backend, data_dir=data, hidden=hidden)
    return sandbox, sandbox.spawn(config.limits)
