"""Calibrate accuracy bars: run the reference on many seeds and measure its spread.

Each seed draws new held-out data and new training randomness, exactly as a grading run
does. The suggested bars: full credit from the mean minus three standard deviations (and
never above the worst run seen), no credit 0.15 below that; an instructor records the
numbers next to the check (see solutions/unit2/checks.py).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from autograder.checks.accuracy import read_predictions, score
from autograder.config.loader import Course
from autograder.exercises.spec import derive_seed
from autograder.judge.checkset import HiddenCheckSet, case_seed


@dataclass
class Calibration:
    check: str
    scores: list[float]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores)

    @property
    def spread(self) -> float:
        return statistics.stdev(self.scores) if len(self.scores) > 1 else 0.0

    @property
    def suggested_full_at(self) -> float:
        return math.floor(min(self.mean - 3 * self.spread, min(self.scores)) * 100) / 100

    @property
    def suggested_zero_at(self) -> float:
        return max(0.0, round(self.suggested_full_at - 0.15, 2))


def calibrate(course: Course, unit: str, exercise_id: str, seeds: int = 10) -> list[Calibration]:
    checkset = HiddenCheckSet(course, unit)
    results = []
    for check in checkset.spec(exercise_id).checks:
        if check.rule.kind != "accuracy":
            continue
        scores = []
        for seed in range(seeds):
            plan, tensors = check.plan(derive_seed(seed, exercise_id, check.name), key_prefix="in/")
            for index, case in enumerate(plan.cases):
                observed = checkset.reference.observe(case.steps, case_seed(plan, index), tensors, key_prefix="out/")
                labels = tensors[case.held]
                predicted, problem = read_predictions(check.rule, observed.result(), labels.numel())
                if problem:
                    raise ValueError(f"{exercise_id} {check.name}: the reference's predictions: {problem}")
                scores.append(score(predicted, labels))
        results.append(Calibration(check.name, scores))
    return results
