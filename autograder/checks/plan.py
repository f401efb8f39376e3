"""A check as data: what to call, with which inputs, and which rule judges the outcome.

Hidden checks build plans from fresh seeds at grading time; public checks are plans
built once at release time and stored with their expected outcomes.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import BaseModel, ConfigDict, Field

from autograder.checks.accuracy import AccuracyRule
from autograder.checks.answer import AnswerRule
from autograder.checks.grads import GradRule
from autograder.checks.memory import MemoryRule
from autograder.checks.output import OutputRule
from autograder.checks.perf import PerfRule
from autograder.checks.properties import PropertyRule
from autograder.checks.raises import RaisesRule
from autograder.checks.rerun import RerunRule
from autograder.checks.source import SourceRule
from autograder.protocol.messages import Step

Rule = Annotated[
    Union[OutputRule, RaisesRule, MemoryRule, PerfRule, AnswerRule, PropertyRule, SourceRule, GradRule, RerunRule,
          AccuracyRule],
    Field(discriminator="kind"),
]


class CasePlan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = ""
    steps: list[Step]
    step_labels: list[str] = []  # for cases of several calls: how feedback names each call
    held: str | None = None  # key of a tensor the judge keeps (labels): never sent to the worker


class CheckPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    weight: float = Field(gt=0)
    artifact: str
    rule: Rule
    cases: list[CasePlan]
    seed: int
    case_seconds: float = 10.0
    needs_reference: bool = True
