"""What the grader knows about an exercise apart from its checks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ExerciseInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    artifacts: list[str]
    points: float
    manual: str = ""
    manual_points: float = 0.0
    # an isolated exercise's checks run in a checking process of their own
    isolated: bool = False
    # artifacts this exercise's code may call, with the exercise each belongs to (an earlier one
    # or this one): when one lost points there, the failed checks of the other artifacts are
    # run again with the course's version
    uses: dict[str, str] = {}
    # the time limit of the cells this exercise needs, where longer than the course's cell_seconds
    # (an answer computed by an experiment in its cell)
    cell_seconds: float | None = None

    @property
    def group(self) -> str:
        """Which checking process the exercise's cases run in (see worker/session.py)."""
        return self.id if self.isolated else "shared"
