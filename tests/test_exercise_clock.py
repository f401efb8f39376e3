"""The exercise time limit charges the student's code, not the grader's own choices.

A timing measurement that failed is taken again (busy machines are noisy); the time of those
extra attempts must not use up the exercise's limit and leave its later checks unchecked.
A whole-data-set call gets a limit scaled from the reference's own time, and one that runs
out of time while the machine is busy is taken again without charging the exercise.
"""

from __future__ import annotations

import time

from autograder.checks import Verdict
from autograder.checks.observed import Observed
from autograder.checks.output import OutputRule
from autograder.checks.perf import PerfRule
from autograder.checks.plan import CasePlan, CheckPlan
from autograder.judge import grader
from autograder.judge.checkset import PreparedCheck
from autograder.protocol.messages import ErrorInfo, Step, StepOutcome

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
    plan = CheckPlan(name="no loop", weight=1, artifact="f", rule=PerfRule(),
                     cases=[CasePlan(steps=[Step(target="f")])], seed=0, needs_reference=False)
    return PreparedCheck(plan=plan, tensors={}, expected=None)


def test_measurements_taken_again_are_not_charged_to_the_exercise(monkeypatch):
    session = SlowSession()
    monkeypatch.setattr(grader, "evaluate", lambda rule, ctx: Verdict.fail("too slow") if session.attempts < 3
                        else Verdict.pass_())
    now = time.monotonic()
    clock = grader.ExerciseClock(now + 1.5 * ATTEMPT_SECONDS, now + 60)

    run = grader._run_check(perf_check(), session, clock, "u0")

    assert session.attempts == 3 and run.verdict.passed and not run.stop
    assert clock.remaining() > 0, "the two extra measurements used up the exercise's time"


def test_the_first_measurement_is_charged(monkeypatch):
    session = SlowSession()
    monkeypatch.setattr(grader, "evaluate", lambda rule, ctx: Verdict.pass_())
    now = time.monotonic()
    clock = grader.ExerciseClock(now + 10, now + 60)

    grader._run_check(perf_check(), session, clock, "u0")

    assert clock.remaining() < 10 - ATTEMPT_SECONDS + 0.05


class TimedSession:
    """Records the time limit of each attempt; the first `timeouts` attempts run out of time."""

    def __init__(self, timeouts: int = 0):
        self.limits: list[float] = []
        self.timeouts = timeouts

    def run_case(self, steps, tensors, seed, timeout, group, proxy):
        self.limits.append(timeout)
        if len(self.limits) <= self.timeouts:
            time.sleep(ATTEMPT_SECONDS)
            return Observed([StepOutcome(error=ErrorInfo(kind="timeout", type="StepTimeout"))])
        return Observed([StepOutcome()])

    def take_startup_seconds(self) -> float:
        return 0.0


def whole_data_set_check(reference_seconds: float, factor: float | None = 50) -> PreparedCheck:
    plan = CheckPlan(name="the training set", weight=1, artifact="load", rule=OutputRule(), seed=0,
                     cases=[CasePlan(steps=[Step(target="load")])], case_seconds=10, reference_factor=factor)
    reference = Observed([StepOutcome(seconds=reference_seconds)])
    return PreparedCheck(plan=plan, tensors={}, expected=[reference])


def test_a_whole_data_set_call_may_take_a_multiple_of_the_reference_time(monkeypatch):
    """Loading 60,000 pictures item by item (the course text's way) is ten times slower than the
    reference's direct read: the limit scales with the reference, never below case_seconds."""
    monkeypatch.setattr(grader, "evaluate", lambda rule, ctx: Verdict.pass_())
    now = time.monotonic()
    session = TimedSession()
    grader._run_check(whole_data_set_check(reference_seconds=0.4), session, grader.ExerciseClock(now + 60, now + 600),
                      "u0")
    assert session.limits == [20.0]  # 50 x 0.4 s
    fast = TimedSession()
    grader._run_check(whole_data_set_check(reference_seconds=0.01), fast, grader.ExerciseClock(now + 60, now + 600),
                      "u0")
    assert fast.limits == [10.0]  # the check's own floor
    plain = TimedSession()
    grader._run_check(whole_data_set_check(0.4, factor=None), plain, grader.ExerciseClock(now + 60, now + 600), "u0")
    assert plain.limits == [10.0]


def test_a_timeout_on_a_busy_machine_is_taken_again_without_charging_the_exercise(monkeypatch):
    monkeypatch.setattr(grader, "evaluate", lambda rule, ctx: Verdict.pass_())
    monkeypatch.setattr(grader, "machine_busy", lambda: True)
    now = time.monotonic()
    clock = grader.ExerciseClock(now + 60, now + 600)
    session = TimedSession(timeouts=1)

    run = grader._run_check(whole_data_set_check(reference_seconds=0.4), session, clock, "u0")

    assert run.verdict.passed and session.limits == [20.0, 40.0]
    assert clock.remaining() > 60 - 0.1, "the attempt that ran out of time was charged to the exercise"


def test_a_timeout_on_an_idle_machine_is_the_students(monkeypatch):
    monkeypatch.setattr(grader, "evaluate", lambda rule, ctx: Verdict.fail("timed out"))
    monkeypatch.setattr(grader, "machine_busy", lambda: False)
    now = time.monotonic()
    session = TimedSession(timeouts=1)
    run = grader._run_check(whole_data_set_check(reference_seconds=0.4), session, grader.ExerciseClock(now + 30, now + 600),
                            "u0")
    assert not run.verdict.passed and session.limits == [20.0]
