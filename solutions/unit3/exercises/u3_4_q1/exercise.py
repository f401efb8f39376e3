"""u3.4.q1: Momentum on a linear cost."""

import torch

from autograder.exercises import Exercise, case, mistake, output, source
from autograder_units.unit3.common import F64


def momentum_inputs(d):
    cases = []
    for beta in (0.0, 0.5, 0.9, 0.99):
        for t in (1, 2, 10, 100):
            c = d.randn(3, dtype=F64)
            alpha = round(d.py.uniform(0.01, 0.5), 4)
            cases.append(case(c, alpha, beta, t,
                              label=f"c of shape (3,) (float64), alpha {alpha:g}, beta {beta:g}, t {t}"))
    c = d.randn(5, dtype=F64)
    cases.append(case(c, 0.1, 0.9, 1_000_000, label="c of shape (5,) (float64), alpha 0.1, beta 0.9, t 1,000,000"))
    return cases


EXERCISE = Exercise(
    "u3.4.q1", "Momentum on a linear cost", ["momentum_iterate", "momentum_step_length"],
    checks=[
        output("iterate equals SGD with momentum", "momentum_iterate", momentum_inputs, weight=4),
        output("step length", "momentum_step_length", momentum_inputs, weight=3),
        source("closed form", "momentum_iterate", [case(torch.ones(2, dtype=F64), 0.1, 0.9, 3)], weight=1,
               no_loops=True),
    ],
    mistakes=[
        mistake("every_past_gradient_at_full_weight", fails=["iterate equals SGD with momentum"], says="values differ"),
        mistake("one_power_of_beta_too_many", fails=["iterate equals SGD with momentum"], says="values differ"),
        mistake("the_limit_instead_of_the_step", fails=["step length"], says="expected 0."),
        mistake("simulates_the_iterations", fails=["closed form"], says="loop"),
    ],
)

