"""What every rule kind is: one class that says how it judges a case and how it counts.

A rule kind subclasses `RuleKind` and declares, in that one class, its `kind` tag (the
name plans and public check data use), how it evaluates a case (`judge`), whether the
judge must ask the reference for expected outcomes (`needs_reference`), whether it is
*secondary* (it earns points only when the artifact's other checks pass), whether it is a
clock measurement (retried on a busy machine, never withholding other credit) and whether
it reads answer constants only (no code that could call another artifact). Subclassing
registers the kind; `checks.plan.Rule` is the union of all registered kinds.

A case's outcome is a `Verdict`: a status and a fraction of the points, never text that
has to be parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from autograder.checks.context import CaseContext

Status = Literal["passed", "failed", "not_graded", "internal_error"]


@dataclass(frozen=True)
class Verdict:
    """How one case (or a whole check) came out: `fraction` of the points is earned."""

    status: Status
    message: str = ""
    fraction: float = 0.0
    measured: float | None = None  # the number the rule judged (an accuracy, a ratio): for calibration
    # not graded on this machine by design (a GPU timing where the worker has no GPU): the
    # check's points move to the exercise's manual points, for the TA (judge/grader.py)
    held: bool = False

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @classmethod
    def pass_(cls, measured: float | None = None) -> "Verdict":
        return cls("passed", "", 1.0, measured)

    @classmethod
    def fail(cls, message: str, fraction: float = 0.0, measured: float | None = None) -> "Verdict":
        """A failed case that still earns `fraction` of the check's points (an accuracy
        between the calibrated bars)."""
        return cls("failed", message, min(max(float(fraction), 0.0), 1.0), measured)

    @classmethod
    def not_graded(cls, message: str) -> "Verdict":
        return cls("not_graded", message, 0.0)

    @classmethod
    def held_for_ta(cls, message: str) -> "Verdict":
        """Not graded here by design: the check's points are held for the TA (they move to
        the exercise's manual points), and `message` says why."""
        return cls("not_graded", message, 0.0, held=True)

    @classmethod
    def internal_error(cls, message: str) -> "Verdict":
        return cls("internal_error", message, 0.0)


def as_verdict(outcome: "Verdict | str | None") -> Verdict:
    """What a rule's `judge` returned: None passes, a message fails, a Verdict is itself."""
    if outcome is None:
        return Verdict.pass_()
    if isinstance(outcome, Verdict):
        return outcome
    return Verdict.fail(str(outcome))


RULE_KINDS: dict[str, type["RuleKind"]] = {}


class RuleKind(BaseModel):
    """Base of every rule kind (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    needs_reference: ClassVar[bool] = True
    secondary: ClassVar[bool] = False
    timing: ClassVar[bool] = False
    reads_constants: ClassVar[bool] = False
    # how often a failed measurement is taken again (timing kinds: a busy machine is noisy)
    measurement_retries: ClassVar[int] = 0
    # one line for docs/authoring.md: how an exercise file asks for this kind
    example: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        tag = cls.model_fields["kind"].default
        if not isinstance(tag, str) or not tag:
            raise TypeError(f"{cls.__name__} must give its kind a default tag")
        if tag in RULE_KINDS and RULE_KINDS[tag].__qualname__ != cls.__qualname__:
            raise TypeError(f"rule kind {tag!r} is declared twice ({RULE_KINDS[tag].__name__}, {cls.__name__})")
        RULE_KINDS[tag] = cls

    def judge(self, ctx: "CaseContext") -> "Verdict | str | None":
        raise NotImplementedError

    # the answers below may depend on the rule's parameters (a property's name, say)

    def is_secondary(self) -> bool:
        return self.secondary

    def is_timing(self) -> bool:
        return self.timing

    def retries(self) -> int:
        return self.measurement_retries

    def gates_secondary(self) -> bool:
        """Whether a failure of this check withholds secondary credit: not a clock
        measurement, whose noise would otherwise cost twice."""
        return not self.is_secondary() and not self.is_timing()
