"""`autograder`: check (students), grade (TAs), assign, validate and calibrate (instructors)."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from autograder.cli.common import UsageError
from autograder.config.loader import ConfigError
from autograder.sandbox.base import SandboxError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade PyTorch course notebooks.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="grade one notebook and print the report")
    check.add_argument("unit", help="unit name, e.g. unit1")
    check.add_argument("notebook", nargs="?", type=Path, help="the notebook (default: UNIT.ipynb here)")
    check.add_argument("--json", action="store_true", help="print Gradescope results.json instead of a table")
    check.add_argument("--hidden", action="store_true", help="use the hidden checks and the reference (staff)")
    check.add_argument("--only", action="append", metavar="ID", help="grade only this exercise (repeatable)")
    check.add_argument("--course", type=Path, help="course folder holding grader.toml")
    check.add_argument("--backend", choices=["local", "docker", "portable"], help="override sandbox.backend")
    check.add_argument("--seed", type=int, help="seed for hidden checks (to replay a run)")

    assign = sub.add_parser("assign", help="generate the student notebook and public checks from the solutions")
    assign.add_argument("unit")
    assign.add_argument("--course", type=Path)

    from autograder.cli.calibrate import add_parser as add_calibrate
    from autograder.cli.doctor import add_parser as add_doctor
    from autograder.cli.grade import add_parser as add_grade

    add_grade(sub)
    add_doctor(sub)
    add_calibrate(sub)

    guide = sub.add_parser("guide", help="write docs/authoring.md, the guide to writing checks, from the registries")
    guide.add_argument("--course", type=Path)
    guide.add_argument("--out", type=Path, help="where to write it (default: docs/authoring.md in the course)")

    validate = sub.add_parser("validate", help="prove solutions score full marks, stubs zero, mistakes lose points")
    validate.add_argument("unit")
    validate.add_argument("--course", type=Path)
    validate.add_argument("--backend", choices=["local", "docker"])
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(stderr=True)
    try:
        if args.command == "check":
            from autograder.cli.check import run_check

            return run_check(args)
        if args.command == "assign":
            from autograder.cli.assign import run_assign

            return run_assign(args)
        if args.command == "grade":
            from autograder.cli.grade import run_grade

            return run_grade(args)
        if args.command == "doctor":
            from autograder.cli.doctor import run_doctor

            return run_doctor(args)
        if args.command == "calibrate":
            from autograder.cli.calibrate import run_calibrate

            return run_calibrate(args)
        if args.command == "guide":
            from autograder.cli.common import course_at, require_course
            from autograder.authoring.guide import write_guide

            course = course_at(args.course) or require_course()
            written = write_guide(course.solutions, args.out or course.root / "docs" / "authoring.md")
            Console().print(Text(f"wrote {written}"))
            return 0
        if args.command == "validate":
            from autograder.cli.validate import run_validate

            return run_validate(args)
    except (UsageError, ConfigError, SandboxError, *_spec_errors()) as exc:
        console.print(Text.assemble((f"autograder {args.command}:", "red"), " ", str(exc)), highlight=False)
        return 2
    except KeyboardInterrupt:
        console.print("interrupted")
        return 130
    return 2


def run() -> None:
    """The `autograder` command: main(), then a quick exit.

    Tearing down an interpreter that has imported torch takes about half a second (its
    modules and C++ statics are freed one by one), a quarter of a student's whole check. The
    report is printed and nothing is left to write, so the exit handlers run (temporary
    folders are removed) and the process ends without the teardown."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1
    atexit._run_exitfuncs()
    os._exit(code)


def _spec_errors() -> tuple[type[Exception], ...]:
    """SpecError, if the checks' loader was imported: importing it here would import torch
    before `check` has spawned its worker, and the two imports could not overlap."""
    loader = sys.modules.get("autograder.exercises.loader")
    return (loader.SpecError,) if loader is not None else ()


if __name__ == "__main__":
    run()
