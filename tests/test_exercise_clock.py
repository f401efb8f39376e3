"""The exercise time limit charges the student's code, not the grader's own choices.

A timing measurement that failed is taken again (busy machines are noisy); the time of those
extra attempts must not use up the exercise's limit and leave its later checks unchecked.
"""

from __future__ import annotations

import time

from autograder.checks.observed import Observed
from autograder.checks.perf import PerfRule
from autograder.checks.plan import CasePlan, CheckPlan
from autograder.judge import grader
from autograder.judge.checkset import PreparedCheck
from autograder.protocol.messages import Step

ATTEMPT_SECONDS = 0.4


class SlowSession:
    """Each measurement takes ATTEMPT_SECONDS; the first two come out slow, the third fine."""

    def __init__(self):
        self.attempts = 0

    def run_case(self, *args):
        self.attempts += 1
        time.sleep(ATTEMPT_SECONDS)
        return Observed([])

    def take_startup_seconds(self) -> float:
        return 0.0


def perf_check() -> PreparedCheck:
    plan = CheckPlan(name="no loop", weight=1, artifact="f", rule=PerfRule(retries=2),
                     cases=[CasePlan(steps=[Step(target="f")])], seed=0, needs_reference=False)
    return PreparedCheck(plan=plan, tensors={}, expected=None)


def test_measurements_taken_again_are_not_charged_to_the_exercise(monkeypatch):
    session = SlowSession()
    monkeypatch.setattr(grader, "evaluate", lambda rule, ctx: "too slow" if session.attempts < 3 else None)
    now = time.monotonic()
    clock = grader.ExerciseClock(now + 1.5 * ATTEMPT_SECONDS, now + 60)

    message, stop, _ = grader._run_check(perf_check(), session, clock, "u0")

    assert session.attempts == 3 and message is None and not stop
    assert clock.remaining() > 0, "the two extra measurements used up the exercise's time"


def test_the_first_measurement_is_charged(monkeypatch):
    session = SlowSession()
    monkeypatch.setattr(grader, "evaluate", lambda rule, ctx: None)
    now = time.monotonic()
    clock = grader.ExerciseClock(now + 10, now + 60)

    grader._run_check(perf_check(), session, clock, "u0")

    assert clock.remaining() < 10 - ATTEMPT_SECONDS + 0.05
