"""Gradescope's results.json: one test per exercise, named by its id first."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from autograder.report.models import ExerciseResult, NotebookResult


class GradescopeTest(BaseModel):
    name: str
    score: float
    max_score: float
    status: Literal["passed", "failed"]
    output: str = ""
    visibility: Literal["visible", "hidden", "after_due_date", "after_published"] = "visible"


class GradescopeResults(BaseModel):
    score: float
    max_score: float
    output: str = ""
    tests: list[GradescopeTest] = Field(default_factory=list)


def to_gradescope(result: NotebookResult) -> GradescopeResults:
    tests = [_test(e) for e in result.exercises]
    header = [result.message] if result.message else []
    header += result.warnings
    env = result.environment
    if env.torch:  # what the checks ran on, for anyone comparing runs
        header.append(f"graded with torch {env.torch} on {env.device}" + (f"; {env.precision}" if env.precision else ""))
    return GradescopeResults(
        score=result.score, max_score=result.max_score, output="\n".join(header),
        tests=tests,
    )


def _test(exercise: ExerciseResult) -> GradescopeTest:
    lines = [exercise.summary] if exercise.summary else []
    lines += exercise.notes  # a cell that hung or crashed is the cause of the failures below
    for check in exercise.checks:
        mark = "ok" if check.passed else "failed"
        line = f"[{mark}] {check.name} ({check.points:g}/{check.max_points:g})"
        if check.message and not check.passed:
            line += f": {check.message}"
        lines.append(line)
    if exercise.manual_points:
        lines.append(f"for the TA: {exercise.manual} ({exercise.manual_points:g} points, graded by hand)")
    name = f"{exercise.id} {exercise.title}".strip()
    passed = exercise.points >= exercise.max_points and exercise.max_points > 0
    return GradescopeTest(
        name=name, score=exercise.points, max_score=exercise.max_points,
        status="passed" if passed else "failed", output="\n".join(lines),
    )
