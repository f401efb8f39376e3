"""`autograder assign UNIT`: regenerate assignments/UNIT from solutions/UNIT."""

from __future__ import annotations

import argparse

from rich.console import Console

from autograder.authoring.assign import assign
from autograder.cli.common import check_unit_name, course_at, require_course


def run_assign(args: argparse.Namespace) -> int:
    unit = check_unit_name(args.unit)
    course = course_at(args.course) or require_course()
    result = assign(course, unit)
    Console().print(f"wrote {result.notebook} and {result.checks} public checks for "
                    f"{result.exercises} exercises in {result.checks_folder}", highlight=False)
    return 0
