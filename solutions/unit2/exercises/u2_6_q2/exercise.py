"""u2.6.q2: The gradient of H for softmax regression."""

import torch

from autograder.exercises import Exercise, case, hidden_only, mistake, output, source
from autograder_units.unit2.common import F64, input_label, picture_width, softmax_inputs


def softmax_grad_cases(d):
    width = picture_width(d)
    cases = [case(*softmax_inputs(d, n, 50.0, width=width), label=f"{input_label(n, F64, width)}, scores up to 50")
             for n in (1, 7)]
    cases.append(case(*softmax_inputs(d, 16, 5.0, classes=3, width=20),
                      label="16 float64 inputs of width 20, 3 classes"))
    return cases


def large_score_cases(d):
    width = picture_width(d)
    return [case(*softmax_inputs(d, 32, 800.0, width=width),
                 label=f"{input_label(32, F64, width)} with scores up to 800"),
            case(*softmax_inputs(d, 32, 120.0, dtype=torch.float32, width=width),
                 label=f"{input_label(32, torch.float32, width)} with scores up to 120")]


def source_case(d):
    """Any call: the source checks read the function, not its results."""
    return [case(*softmax_inputs(d, 2, 1.0, width=picture_width(d)))]


EXERCISE = Exercise(
    "u2.6.q2", "The gradient of H for softmax regression", ["softmax_regression_grad"],
    checks=[
        output("equals autograd's gradient", "softmax_regression_grad", softmax_grad_cases, weight=4, scale=10),
        hidden_only(output("a batch of 256", "softmax_regression_grad",
                           lambda d: [case(*softmax_inputs(d, 256, 50.0), label="256 float64 pictures, scores up to 50")],
                           weight=1, scale=10)),
        output("large scores", "softmax_regression_grad", large_score_cases, weight=2, scale=10),
        source("no loop over samples or classes", "softmax_regression_grad", source_case, weight=1.5, no_loops=True),
        source("without autograd", "softmax_regression_grad", source_case, weight=1.5,
               forbid=["backward", "autograd", "requires_grad", "requires_grad_"],
               reason="use the formula you derived"),
    ],
    mistakes=[
        mistake("a_softmax_that_overflows", fails=["large scores"], says="got nan"),
        mistake("the_sum_instead_of_the_mean", fails=["equals autograd's gradient"], says="values differ"),
        mistake("y_t_y_instead_of_y_y_t", fails=["equals autograd's gradient"], says="values differ"),
        mistake("a_loop_over_the_samples", fails=["no loop over samples or classes"], says="it uses a Python loop"),
        mistake("autograd_instead_of_the_formula", fails=["without autograd"], says="use the formula you derived"),
    ],
)

