"""`autograder grade UNIT SUBMISSIONS --out OUT`: a whole class, for the TA."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.text import Text

from autograder.batch.ingest import IngestError
from autograder.batch.ray_executor import RayUnavailable
from autograder.cli.common import UsageError, check_unit_name, course_at, require_course
from autograder.config.models import TaskResources


def run_grade(args: argparse.Namespace) -> int:
    unit = check_unit_name(args.unit)
    if not args.submissions.exists():
        raise UsageError(f"{args.submissions}: no such folder or zip file")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    course = course_at(args.course) or require_course()
    console = Console(stderr=True)
    executor, sandbox = _executor_and_sandbox(course, args, unit)
    try:
        from autograder.batch.run import LMS_FILES, BatchOptions, grade_batch

        options = BatchOptions(
            unit=unit, submissions=args.submissions, out=args.out, jobs=args.jobs, force=args.force,
            only=args.only or [], lms=args.lms, seed=args.seed, assignment_name=args.assignment_name or unit,
        )
        if sandbox.reduced:
            if not args.allow_reduced_isolation:
                raise UsageError(
                    f"refusing to grade a class with {sandbox.isolation}: install bubblewrap (apt-get install "
                    "bubblewrap) or use --backend docker, or pass --allow-reduced-isolation to grade without a sandbox")
            console.print(f"[yellow]{sandbox.isolation}[/yellow]", highlight=False)
        report = grade_batch(course, sandbox, options, executor=executor)
    except IngestError as exc:
        raise UsageError(str(exc)) from None
    except RayUnavailable as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:
        console.print("interrupted: finished submissions are saved; run the same command again to continue")
        return 130
    finally:
        sandbox.close()
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.statuses.items()))
    console.print(f"{report.total} submissions ({report.layout} layout): graded {report.graded}, "
                  f"kept {report.kept} unchanged; {counts}", highlight=False)
    if report.stale:
        names = ", ".join(report.stale[:5]) + (f" and {len(report.stale) - 5} more" if len(report.stale) > 5 else "")
        console.print(Text(f"warning: {len(report.stale)} result(s) were graded under other settings (checks, points, "
                           f"limits, grader version or seed) and kept: {names}; run again without --only, or with "
                           "--force, to grade them with the current ones", style="yellow"))
    files = ["grades.csv", "summary.html", "results/", "feedback/", "log/"]
    if options.lms:
        files.insert(1, LMS_FILES[options.lms])
    console.print(f"wrote {', '.join(files)} in {report.out}", highlight=False)
    for problem in report.problems:  # a class file that could not be written: the rows are safe
        console.print(Text(f"warning: {problem}", style="yellow"))
    return 0


def _executor_and_sandbox(course, args: argparse.Namespace, unit: str):
    """Where the submissions are graded. Locally: this machine's sandbox, warmed up now.
    On Ray: each node builds its own judge and sandbox; the driver needs neither."""
    from autograder.sandbox import create_sandbox

    chosen = args.executor or course.config.batch.executor
    if chosen == "ray":
        from autograder.batch.ray_executor import NodeSandboxes, RayExecutor, connect

        unit_config = course.config.units.get(unit)
        resources = unit_config.resources if unit_config is not None else None
        executor = RayExecutor(course.config.batch.ray, resources or TaskResources(), args.address,
                               allow_reduced=args.allow_reduced_isolation)
        try:
            connect(executor.address)  # a clear error now rather than after the submissions are read
        except RayUnavailable as exc:
            raise UsageError(str(exc)) from None
        return executor, NodeSandboxes(args.backend or course.config.sandbox.backend)
    if args.address:
        raise UsageError("--address names a Ray cluster: use it with --executor ray")
    sandbox = create_sandbox(course.config.sandbox, args.backend, pool=True, data_dir=course.data_dir, hidden=True)
    sandbox.warm_up(course.config.limits)  # the zygote imports torch while the judge does
    return None, sandbox


def add_parser(sub) -> None:
    grade = sub.add_parser("grade", help="grade a class's submissions with the hidden checks (TA)")
    grade.add_argument("unit")
    grade.add_argument("submissions", type=Path,
                       help="a folder (one sub-folder or notebook per student) or an LMS zip")
    grade.add_argument("--out", type=Path, required=True, help="output folder")
    grade.add_argument("--jobs", type=int, default=2, help="submissions graded at the same time (--executor local)")
    grade.add_argument("--executor", choices=["local", "ray"],
                       help="grade on this machine, or one Ray task per submission on a Ray cluster "
                            "(default: grader.toml's batch.executor)")
    grade.add_argument("--address", help="the Ray cluster: auto, HOST:PORT or ray://HOST:PORT "
                                         "(default: grader.toml's batch.ray.address)")
    grade.add_argument("--backend", choices=["local", "docker"])
    grade.add_argument("--allow-reduced-isolation", action="store_true",
                       help="grade even where no sandbox can run (no bubblewrap, not Linux): student code then "
                            "runs as a plain process of this user")
    grade.add_argument("--force", action="store_true", help="grade every submission again")
    grade.add_argument("--only", action="append", metavar="STUDENT", help="grade only this student (repeatable)")
    grade.add_argument("--lms", choices=["moodle", "canvas"], help="also write that LMS's grade import file")
    grade.add_argument("--assignment-name", help="the assignment's column name for the Canvas import")
    grade.add_argument("--seed", type=int, help="seed of the hidden checks' inputs (kept when resuming)")
    grade.add_argument("--course", type=Path)
