"""`autograder validate UNIT`: exit 0 only when the release is sound."""

from __future__ import annotations

import argparse

from rich.console import Console

from autograder.authoring.validate import validate
from autograder.cli.common import check_unit_name, course_at, require_course
from autograder.sandbox import create_sandbox


def run_validate(args: argparse.Namespace) -> int:
    unit = check_unit_name(args.unit)
    course = course_at(args.course) or require_course()
    sandbox = create_sandbox(course.config.sandbox, args.backend, data_dir=course.data_dir, hidden=True)
    report = validate(course, unit, sandbox)
    console = Console()
    for finding in report.findings:
        mark = "[green]✔[/green]" if finding.ok else "[red]✘[/red]"
        detail = f" [dim]({finding.detail})[/dim]" if finding.detail and not finding.ok else ""
        console.print(f"{mark} {finding.what}{detail}", highlight=False)
    passed = sum(f.ok for f in report.findings)
    console.print(f"{unit}: {passed} of {len(report.findings)} validation checks passed", highlight=False)
    return 0 if report.ok else 1
