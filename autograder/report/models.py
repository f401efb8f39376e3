"""The result of grading one notebook: the boundary between grading and reporting."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ExerciseStatus = Literal["passed", "partial", "failed", "not_found", "not_graded"]
CheckStatus = Literal["passed", "failed", "not_graded", "internal_error"]
NotebookStatus = Literal["graded", "partial-failure", "not-gradable"]


class _R(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckResult(_R):
    name: str
    kind: str
    weight: float
    points: float
    max_points: float
    passed: bool
    # failed: the student's code lost the points; not_graded: this machine could not grade it
    # (a data set missing, the notebook's limits reached); internal_error: a defect in the checks
    status: CheckStatus = "passed"
    message: str = ""
    # not graded on this machine by design: its points were moved to the exercise's manual points
    held_for_ta: bool = False


class ExerciseResult(_R):
    id: str
    title: str = ""
    points: float = 0.0
    max_points: float = 0.0
    manual_points: float = 0.0
    manual: str = ""
    status: ExerciseStatus = "failed"
    summary: str = ""
    checks: list[CheckResult] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    cell_index: int | None = None  # notebook position of the cell that defines the exercise
    incidents: list[str] = Field(default_factory=list)  # limits hit, crashes: for the TA's attention
    internal: list[str] = Field(default_factory=list)  # for the TA only: why the grader could not run a check
    seconds: float = 0.0


class Environment(_R):
    python: str = ""
    torch: str = ""
    device: str = "cpu"
    precision: str = ""
    isolation: str = ""
    reduced_isolation: bool = False


class NotebookResult(_R):
    unit: str
    notebook: str
    mode: Literal["public", "hidden"]
    status: NotebookStatus = "graded"
    score: float = 0.0
    max_score: float = 0.0
    manual_points: float = 0.0
    exercises: list[ExerciseResult] = Field(default_factory=list)
    message: str = ""
    other_unit: str = ""  # not gradable because the notebook's exercise ids are this unit's
    warnings: list[str] = Field(default_factory=list)
    incidents: list[str] = Field(default_factory=list)
    environment: Environment = Field(default_factory=Environment)
    seed: int | None = None
    checks_version: str = ""
    seconds: float = 0.0
    output: str = ""

    def total(self) -> None:
        self.score = round(sum(e.points for e in self.exercises), 4)
        self.max_score = round(sum(e.max_points for e in self.exercises), 4)
        self.manual_points = round(sum(e.manual_points for e in self.exercises), 4)
