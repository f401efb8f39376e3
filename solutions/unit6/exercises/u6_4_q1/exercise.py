"""u6.4.q1: The immediate derivative of a tanh step is bounded."""

import torch

from autograder.exercises import Exercise, case, mistake, output

F64 = torch.float64


def states(d):
    """Tanh outputs h_t and h_prev (float64 and float32, several shapes), and saturated ones."""
    cases = []
    for shape, dtype in (((5,), F64), ((3, 4), F64), ((64,), torch.float32), ((1,), F64)):
        cases.append(case(torch.tanh(3 * d.randn(*shape, dtype=dtype)), torch.tanh(3 * d.randn(*shape, dtype=dtype))))
    saturated = torch.tanh(torch.tensor([-30.0, -9.5, 0.0, 9.5, 30.0], dtype=torch.float32))
    cases.append(case(saturated, torch.tanh(d.randn(5)), label="float32 states where tanh saturated (|h_t| = 1)"))
    return cases


EXERCISE = Exercise(
    "u6.4.q1", "The immediate derivative is bounded", ["immediate_dh_dw"],
    checks=[output("the immediate derivative", "immediate_dh_dw", states, weight=1)],
    mistakes=[
        mistake("one_minus_h", fails=["the immediate derivative"], says="values differ"),
        mistake("tanh_applied_again", fails=["the immediate derivative"], says="values differ"),
        mistake("states_swapped", fails=["the immediate derivative"], says="values differ"),
    ],
)
