"""A check as data: what to call, with which inputs, and which rule judges the outcome.

Hidden checks build plans from fresh seeds at grading time; public checks are plans
built once at release time and stored with their expected outcomes.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated, Union

from pydantic import BaseModel, ConfigDict, Field

from autograder.checks.rule import RULE_KINDS
from autograder.protocol.messages import Step


def _import_rule_kinds() -> None:
    """Every module of this package, so that each rule kind has registered itself: adding a
    kind is adding a module."""
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{__package__}.{module.name}")


_import_rule_kinds()
Rule = Annotated[Union[tuple(RULE_KINDS.values())], Field(discriminator="kind")]  # type: ignore[valid-type]


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
    trajectory: bool = False  # a training run's first steps from the judge's start (see grader.py)
    # a case's limit is at least this many times the reference's time for it (see grader.case_limit)
    reference_factor: float | None = None
