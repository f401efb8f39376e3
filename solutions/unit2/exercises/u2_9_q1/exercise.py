"""u2.9.q1: What is monotone in the flat network."""

import torch

from autograder.exercises import Exercise, answer, case, mistake, output, source
from autograder_units.unit2.common import F64, picture_width


def jacobian_inputs(d, dtype, shift: float = 0.0, spread: float = 5.0, classes: int = 10, width: int = 784):
    """(W, b, x) for the flat network: pixels x in [0, 1], scores W x spread over about
    +-`spread`, all classes shifted by `shift` (which the softmax ignores)."""
    x = d.rand(width, dtype=dtype)
    W = d.randn(classes, width, dtype=dtype)
    W = W * (spread / (W @ x).abs().max().clamp_min(1e-12))
    return W, d.randn(classes, dtype=dtype) + shift, x


def flat_jacobian_cases(d):
    cases, width = [], picture_width(d)
    what = "picture" if width == 784 else f"input of width {width}"
    for dtype in (F64, torch.float32):
        name = str(dtype).removeprefix("torch.")
        cases.append(case(*jacobian_inputs(d, dtype, width=width),
                          label=f"a {name} {what}, W of shape (10, {width}), scores up to 5"))
    cases.append(case(*jacobian_inputs(d, F64, spread=1.0, classes=4, width=6),
                      label="a float64 input of width 6, 4 classes"))
    cases.append(case(torch.tensor([[0.0], [1.0], [-1.0]], dtype=F64), torch.zeros(3, dtype=F64),
                      torch.tensor([round(d.py.uniform(-3, 3), 3)], dtype=F64),
                      label="three classes with weights 0, 1, -1 on one float64 input, zero biases"))
    return cases


def flat_jacobian_large_cases(d):
    width = picture_width(d)
    what = "picture" if width == 784 else f"input of width {width}"
    return [
        case(*jacobian_inputs(d, torch.float32, shift=100.0, width=width),
             label=f"a float32 {what} whose scores are all near 100"),
        case(*jacobian_inputs(d, F64, shift=800.0, width=width),
             label=f"a float64 {what} whose scores are all near 800"),
        case(*jacobian_inputs(d, torch.float32, spread=30.0, width=width),
             label=f"a float32 {what} with scores up to 30"),
    ]


EXERCISE = Exercise(
    "u2.9.q1", "What is monotone in the flat network", ["flat_input_jacobian", "ans_u2_9_q1"],
    checks=[
        output("equals autograd's Jacobian", "flat_input_jacobian", flat_jacobian_cases, weight=4, scale=10),
        output("large scores", "flat_input_jacobian", flat_jacobian_large_cases, weight=2, scale=10),
        source("without autograd", "flat_input_jacobian", [case(torch.eye(2), torch.zeros(2), torch.ones(2))],
               weight=1, forbid=["autograd", "jacobian", "jacrev", "jacfwd", "vjp", "jvp", "backward", "grad",
                                 "requires_grad", "requires_grad_"],
               reason="use the formula from the chain rule"),
        answer("which quantity is monotone", "ans_u2_9_q1", choices="ABCD", weight=3),
    ],
    mistakes=[
        mistake("the_correction_term_added", fails=["equals autograd's Jacobian"], says="values differ"),
        mistake("only_y_k_w_km_without_the_sum_over_classes", fails=["equals autograd's Jacobian"],
                says="values differ"),
        mistake("the_transposed_jacobian", fails=["equals autograd's Jacobian"], says="expected shape (10, 784)"),
        mistake("a_softmax_that_overflows", fails=["large scores"], says="got nan"),
        mistake("autograd_instead_of_the_formula", fails=["without autograd"],
                says="use the formula from the chain rule"),
        mistake("every_probability_is_monotone", fails=["which quantity is monotone"], says="is not the right choice"),
    ],
)

