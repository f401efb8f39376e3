"""`autograder grade UNIT SUBMISSIONS --out OUT`: a whole class, for the TA."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from autograder.batch.ingest import IngestError
from autograder.cli.common import UsageError, check_unit_name, course_at, require_course


def run_grade(args: argparse.Namespace) -> int:
    unit = check_unit_name(args.unit)
    if not args.submissions.exists():
        raise UsageError(f"{args.submissions}: no such folder or zip file")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    course = course_at(args.course) or require_course()
    from autograder.sandbox import create_sandbox

    console = Console(stderr=True)
    sandbox = create_sandbox(course.config.sandbox, args.backend, pool=True, data_dir=course.data_dir, hidden=True)
    try:
        sandbox.warm_up(course.config.limits)  # the zygote imports torch while the judge does
        from autograder.batch.run import LMS_FILES, BatchOptions, grade_batch

        options = BatchOptions(
            unit=unit, submissions=args.submissions, out=args.out, jobs=args.jobs, force=args.force,
            only=args.only or [], lms=args.lms, seed=args.seed, assignment_name=args.assignment_name or unit,
        )
        if sandbox.reduced:
            console.print(f"[yellow]{sandbox.isolation}[/yellow]", highlight=False)
        report = grade_batch(course, sandbox, options)
    except IngestError as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:
        console.print("interrupted: finished submissions are saved; run the same command again to continue")
        return 130
    finally:
        sandbox.close()
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.statuses.items()))
    console.print(f"{report.total} submissions ({report.layout} layout): graded {report.graded}, "
                  f"kept {report.kept} unchanged; {counts}", highlight=False)
    files = ["grades.csv", "summary.html", "results/", "feedback/", "log/"]
    if options.lms:
        files.insert(1, LMS_FILES[options.lms])
    console.print(f"wrote {', '.join(files)} in {report.out}", highlight=False)
    return 0


def add_parser(sub) -> None:
    grade = sub.add_parser("grade", help="grade a class's submissions with the hidden checks (TA)")
    grade.add_argument("unit")
    grade.add_argument("submissions", type=Path,
                       help="a folder (one sub-folder or notebook per student) or an LMS zip")
    grade.add_argument("--out", type=Path, required=True, help="output folder")
    grade.add_argument("--jobs", type=int, default=2, help="submissions graded at the same time")
    grade.add_argument("--backend", choices=["local", "docker"])
    grade.add_argument("--force", action="store_true", help="grade every submission again")
    grade.add_argument("--only", action="append", metavar="STUDENT", help="grade only this student (repeatable)")
    grade.add_argument("--lms", choices=["moodle", "canvas"], help="also write that LMS's grade import file")
    grade.add_argument("--assignment-name", help="the assignment's column name for the Canvas import")
    grade.add_argument("--seed", type=int, help="seed of the hidden checks' inputs (kept when resuming)")
    grade.add_argument("--course", type=Path)

