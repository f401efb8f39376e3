"""Unit 4's judging of u4.4.q2, the CPU and GPU training times a student measured. Public:
shipped with the release.

`timing_format` reads the answer everywhere: {"small": {"cpu": s, "gpu": s}, "large": {...}},
seconds per epoch, positive numbers (a GPU time may be None: not measured, no GPU at hand).

`plausible_gpu_timings` judges the numbers only where the grading worker has a GPU: the large
network at least twice as fast on the GPU (a "GPU faster" run that never used the GPU, 60.2 s
against 61.0 s, fails), and the small network's GPU time at least half its CPU time (a small
network gains little or nothing). On a worker without a GPU the check is not graded here: its
points are held for the TA, who reads the numbers with the student's explanation
(`Verdict.held_for_ta`: the points move to the exercise's manual points).
"""

from __future__ import annotations

import math
from typing import Any

from autograder.checks.context import CaseContext
from autograder.checks.registry import check_property, experiment
from autograder.checks.rule import Verdict
from autograder.checks.values import kind_of

NETWORKS, DEVICES = ("small", "large"), ("cpu", "gpu")


def _seconds(value: Any, where: str, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return f"{where} should be a positive number of seconds{' (or None)' if optional else ''}, got {kind_of(value)}"
    return None


def timings_problem(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"expected a dict {{'small': {{'cpu': s, 'gpu': s}}, 'large': {{...}}}}, got {kind_of(value)}"
    for network in NETWORKS:
        entry = value.get(network)
        if not isinstance(entry, dict):
            return f"the dict needs an entry {network!r}: a dict with the keys 'cpu' and 'gpu'"
        for device in DEVICES:
            if device not in entry:
                return f"the entry {network!r} needs a key {device!r}"
            problem = _seconds(entry[device], f"[{network!r}][{device!r}]", optional=device == "gpu")
            if problem:
                return problem
    return None


@experiment(example='rerun("the answer\'s form", "ans_u4_4_q2", "timing_format")')
def timing_format(value: Any, lookups: list) -> str | None:
    """{"small": {"cpu": s, "gpu": s}, "large": {"cpu": s, "gpu": s}}: seconds per epoch,
    positive numbers; a GPU time may be None (not measured)."""
    return timings_problem(value)


@check_property(example='prop("plausible", "ans_u4_4_q2", cases, "plausible_gpu_timings", large_speedup=2.0, '
                        'small_ratio=0.5)')
def plausible_gpu_timings(ctx: CaseContext, large_speedup: float, small_ratio: float) -> Verdict | str | None:
    """Step 0 says whether the worker has a GPU (`devices.gpu_presence`), step 1 reads the
    answer. Without a GPU: held for the TA. With one: the large network at least
    `large_speedup` times faster on the GPU, and the small network's GPU time at least
    `small_ratio` times its CPU time."""
    value = ctx.actual.result(1)
    if value is None:
        return "ans_u4_4_q2 has no answer yet"
    problem = timings_problem(value)
    if problem:
        return problem
    if ctx.actual.result(0) != {"GPU": "present"}:
        return Verdict.held_for_ta("not graded here: the grading machine has no GPU, so your TA judges your timings "
                                   "with your explanation")
    small, large = value["small"], value["large"]
    if small["gpu"] is None or large["gpu"] is None:
        return "no GPU time is reported: measure on a machine with a GPU (Colab offers one)"
    speedup = large["cpu"] / large["gpu"]
    if speedup < large_speedup:
        return (f"the large network is only {speedup:.2f} times faster on the GPU; a network large enough to keep a GPU "
                f"busy gains at least {large_speedup:g} times (did the run use the GPU?)")
    ratio = small["gpu"] / small["cpu"]
    if ratio < small_ratio:
        return (f"the small network's GPU time is {ratio:.2f} of its CPU time; a network this small gains little on a GPU "
                f"(expected at least {small_ratio:g}): is it really small?")
    return Verdict.pass_(measured=speedup)
