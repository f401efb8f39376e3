"""Calibrate a check's bar: judge the reference itself over many seeds and measure its spread.

Each seed draws new inputs (new held-out data, new training randomness), exactly as a grading
run does; the reference's own outcome is judged by the check's rule as if it were a
student's. For every check this gives how often the reference passes; for rules that report
the number they judged (an accuracy, or a property that returns a measured Verdict, such as a
ratio of cross-entropies) it also gives that number's mean, spread and range, which an
instructor records next to the check. For accuracy checks it suggests bars: full credit from
the mean minus three standard deviations (never above the worst run seen), none 0.15 below.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from autograder.checks import CaseContext, evaluate
from autograder.checks.observed import Observed
from autograder.config.loader import Course
from autograder.exercises.spec import derive_seed
from autograder.judge.checkset import HiddenCheckSet, case_seed


@dataclass
class Calibration:
    check: str
    kind: str
    scores: list[float] = field(default_factory=list)  # what the rule measured, one per case and seed
    runs: int = 0
    passed: int = 0
    messages: list[str] = field(default_factory=list)  # how the reference failed, when it did

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else math.nan

    @property
    def spread(self) -> float:
        return statistics.stdev(self.scores) if len(self.scores) > 1 else 0.0

    @property
    def suggested_full_at(self) -> float:
        return math.floor(min(self.mean - 3 * self.spread, min(self.scores)) * 100) / 100

    @property
    def suggested_zero_at(self) -> float:
        return max(0.0, round(self.suggested_full_at - 0.15, 2))


def calibrate(course: Course, unit: str, exercise_id: str, seeds: int = 10,
              checks: list[str] | None = None) -> list[Calibration]:
    """The reference judged by each check (those named in `checks`, or every check that is not
    answered from the reference itself: accuracy, property, rerun) over `seeds` seeds."""
    checkset = HiddenCheckSet(course, unit)
    spec = checkset.spec(exercise_id)
    chosen = [c for c in spec.checks if (c.name in checks if checks else not c.needs_reference)]
    results = []
    for check in chosen:
        row = Calibration(check.name, check.rule.kind)
        for seed in range(seeds):
            plan, tensors = check.plan(derive_seed(seed, exercise_id, check.name), key_prefix="in/")
            for index, case in enumerate(plan.cases):
                observed = checkset.reference.observe(case.steps, case_seed(plan, index), tensors, key_prefix="out/")
                arguments = tuple(Observed([], tensors).decode(a) for a in case.steps[0].args)
                context = CaseContext(plan.artifact, case.label, observed, observed, plan.case_seconds,
                                      tuple(case.step_labels), arguments,
                                      tensors.get(case.held) if case.held else None, checkset.code.registry)
                verdict = evaluate(plan.rule, context)
                row.runs += 1
                row.passed += verdict.passed
                if verdict.measured is not None:
                    row.scores.append(verdict.measured)
                if not verdict.passed and len(row.messages) < 3:
                    row.messages.append(verdict.message)
        results.append(row)
    return results
