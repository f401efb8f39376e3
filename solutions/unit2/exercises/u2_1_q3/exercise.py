"""u2.1.q3: Replacing the sigmoid by ReLU."""

import torch

from autograder.exercises import Exercise, answer, case, mistake, prop
from autograder_units.unit2.common import COURSE, F64, X


def relu_inputs(d):
    cases = []
    n = 300 if d.release else 10_000  # the release: scaled points travel as bytes
    for dtype in (torch.float32, F64):
        points = d.randn(n, 2, dtype=dtype) * torch.logspace(-1, 3, n, dtype=dtype)[:, None]
        cases.append(case(points, d.randn(2, dtype=dtype), d.randn((), dtype=dtype),
                          label=f"{n:,} {str(dtype).removeprefix('torch.')} points with |z| up to thousands"))
    cases.append(case(d.randn(50, 2), d.randn(2), torch.tensor(-1e4), label="points with z far below 0 (float32)"))
    cases.append(case(d.randn(50, 2, dtype=F64), d.randn(2, dtype=F64), torch.tensor(1e4, dtype=F64),
                      label="points with z far above 0 (float64)"))
    cases.append(case(X, torch.tensor([1.0, -1.0], dtype=F64), torch.tensor(5.5, dtype=F64),
                      label=f"{COURSE} with (w0, w1, b) = (1, -1, 5.5)"))
    return cases


EXERCISE = Exercise(
    "u2.1.q3", "Replacing the sigmoid by ReLU", ["relu_neuron_fixed", "ans_u2_1_q3b"],
    manual="the plot of ReLU (part a)",
    checks=[
        prop("strictly inside (0, 1), finite gradients", "relu_neuron_fixed", relu_inputs, "open_interval",
             weight=5, grads_wrt=[1, 2], grads_of=["w", "b"]),
        answer("what goes wrong", "ans_u2_1_q3b", choices="ABCD", weight=3),
    ],
    mistakes=[
        mistake("sigmoid_after_relu_not_clamped", fails=["strictly inside (0, 1), finite gradients"], says="first at"),
        mistake("clamped_with_an_epsilon_float32_cannot_represent", fails=["strictly inside (0, 1), finite gradients"],
                says="float32 points"),
        mistake("clamped_outside_the_autograd_graph", fails=["strictly inside (0, 1), finite gradients"],
                says="gradients"),
        mistake("no_choice_of_the_problem", fails=["what goes wrong"], says="is not the right choice"),
    ],
)

