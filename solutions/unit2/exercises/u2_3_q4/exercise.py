"""u2.3.q4: The analytic gradient instead of the chain-rule factors."""

import torch

from autograder.exercises import Exercise, answer, case, made, mistake, output, perf
from autograder_units.unit2.common import COURSE, F64, blobs, course_data, fresh_seed


def analytic_inputs(d):
    n = 100 if d.release else 500  # the release: fresh blobs travel as bytes
    fresh_x, fresh_y = blobs(n=n, seed=fresh_seed(d))
    return [
        case(torch.tensor([1.0, -1.0], dtype=F64), 5.5, *course_data(d), label=f"{COURSE} at (1, -1, 5.5)"),
        case(d.randn(2, dtype=F64), round(d.py.uniform(-3, 3), 3), *course_data(d),
             label=f"{COURSE} at random parameters"),
        case(d.randn(2, dtype=F64), round(d.py.uniform(-3, 3), 3), fresh_x, fresh_y, label=f"{n} fresh blob points"),
        case(torch.tensor([1.0, -1.0]), 5.5, *course_data(d, torch.float32), label=f"{COURSE} in float32"),
        case(d.randn(1, 2).reshape(2), 0.5, d.randn(1, 2), torch.ones(1), label="a single float32 point"),
    ]


def timing_inputs(d):
    w, points, labels = d.randn(2, dtype=F64), d.randn(2_000, 2, dtype=F64), d.randint(0, 2, (2_000,))
    # the release carries the labels' recipe, turned into floats where the checked code runs
    labels = made("labelled_points.as_floats", labels, "float64", label="2,000 labels") if d.release else labels.to(F64)
    return [case(w, 0.5, points, labels)]


def saturated_inputs(d):
    return [
        case(torch.tensor([1.0, -1.0]), 50.0, *course_data(d, torch.float32), label=f"{COURSE} in float32 with b = 50"),
        case(d.randn(2, std=10), round(d.py.uniform(-3, 3), 3), *course_data(d, torch.float32),
             label=f"{COURSE} in float32 with large weights"),
    ]


EXERCISE = Exercise(
    "u2.3.q4", "The analytic gradient instead of the chain-rule factors", ["calc_dC_analytic", "ans_u2_3_q4"],
    checks=[
        output("equals the chain-rule gradient", "calc_dC_analytic", analytic_inputs, weight=4, scale=10),
        output("finite when sigma(z) rounds to 0 or 1", "calc_dC_analytic", saturated_inputs, weight=2, scale=10),
        perf("no loop over the points", "calc_dC_analytic", timing_inputs, weight=1, max_ratio=10,
             hint="avoid a Python loop over the points; use tensor operations on all of them"),
        answer("which version", "ans_u2_3_q4", choices="ABCD", weight=2),
    ],
    mistakes=[
        mistake("keeps_the_chain_rule_factors", fails=["finite when sigma(z) rounds to 0 or 1"], says="got nan"),
        mistake("the_sum_instead_of_the_mean", fails=["equals the chain-rule gradient"], says="values differ"),
        mistake("a_loop_over_the_points", fails=["no loop over the points"], says="loop over the points"),
        mistake("prefers_the_chain_rule", fails=["which version"], says="is not the right choice"),
    ],
)

