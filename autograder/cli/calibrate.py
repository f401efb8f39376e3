"""`autograder calibrate UNIT EXERCISE`: the reference judged by its own checks over many seeds."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.cli.common import UsageError, check_unit_name, course_at, require_course


def add_parser(sub) -> None:
    parser = sub.add_parser("calibrate", help="judge the reference by its checks over seeds, to set the bars")
    parser.add_argument("unit")
    parser.add_argument("exercise", help="exercise id, e.g. u2.9.q4")
    parser.add_argument("--seeds", type=int, default=10, help="how many seeds (default 10)")
    parser.add_argument("--check", action="append", metavar="NAME",
                        help="calibrate this check (repeatable; default: the checks that need no reference)")
    parser.add_argument("--course", type=Path)


def run_calibrate(args: argparse.Namespace) -> int:
    unit = check_unit_name(args.unit)
    course = course_at(args.course) or require_course()
    if args.seeds < 2:
        raise UsageError("--seeds must be at least 2: one run has no spread")
    from autograder.authoring.calibrate import calibrate  # imports torch: only for this command

    rows = calibrate(course, unit, args.exercise, args.seeds, args.check)
    if not rows:
        raise UsageError(f"{args.exercise} has no check to calibrate (name one with --check)")
    table = Table(title=f"{args.exercise}: the reference over {args.seeds} seeds")
    for column in ("check", "passed", "mean", "std", "min", "max", "full_at (suggested)", "zero_at (suggested)"):
        table.add_column(column)
    for row in rows:
        measured = [f"{row.mean:.4f}", f"{row.spread:.4f}", f"{min(row.scores):.4f}", f"{max(row.scores):.4f}"] \
            if row.scores else ["", "", "", ""]
        bars = [f"{row.suggested_full_at:.2f}", f"{row.suggested_zero_at:.2f}"] \
            if row.scores and row.kind == "accuracy" else ["", ""]
        table.add_row(Text(row.check), f"{row.passed}/{row.runs}", *measured, *bars)
    console = Console()
    console.print(table)
    for row in rows:
        for message in row.messages:
            console.print(Text(f"{row.check}: the reference failed: {message}"))
    return 0
