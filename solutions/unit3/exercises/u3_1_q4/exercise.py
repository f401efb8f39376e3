"""u3.1.q4: A tiny network by hand."""

import torch

from autograder.exercises import Exercise, answer, case, mistake, output, source
from autograder_units.unit3.common import F64, NO_AUTOGRAD

TINY_KEYS = [("0.weight", (1, 2)), ("0.bias", (1,)), ("2.weight", (2, 1)), ("2.bias", (2,)),
             ("4.weight", (1, 2)), ("4.bias", (1,))]


def tiny_params(d, dtype=F64) -> dict:
    return {key: d.randn(*shape, dtype=dtype) for key, shape in TINY_KEYS}


def active_case(d, x: torch.Tensor):
    """Parameters for which both ReLU layers are on at x (all upstream gradients flow)."""
    while True:
        params = tiny_params(d)
        z1 = params["0.weight"] @ x + params["0.bias"]
        z2 = params["2.weight"] @ torch.relu(z1) + params["2.bias"]
        if bool((z1 > 0.05).all()) and bool((z2 > 0.05).all()):
            return params


def tiny_forward_inputs(d):
    cases = [case(tiny_params(d), d.randn(2, dtype=F64), label="random parameters and x of shape (2,) (float64)"),
             case(tiny_params(d), d.randn(50, 2, dtype=F64), label="random parameters and x of shape (50, 2) (float64)"),
             case(tiny_params(d, torch.float32), d.randn(7, 2), label="random parameters and x of shape (7, 2) (float32)")]
    return cases


def tiny_backward_inputs(d):
    one = torch.ones(2, dtype=F64)
    cases = [case(active_case(d, one), one, 1.0, label="x = (1, 1), target 1, parameters with every ReLU on")]
    for target in (0.0, 1.0):
        x = d.randn(2, dtype=F64)
        cases.append(case(active_case(d, x), x, target, label=f"random x, target {target:g}, every ReLU on"))
    return cases


def first_relu_off_inputs(d):
    x = d.randn(2, dtype=F64)
    params = tiny_params(d)
    params["0.bias"] = torch.tensor([-50.0], dtype=F64)
    params["2.bias"] = params["2.bias"].abs() + 0.1  # the second ReLU layer stays on, so its gradient reaches W2
    return [case(params, x, 1.0, label="random x, target 1, parameters with the first ReLU off")]


EXERCISE = Exercise(
    "u3.1.q4", "A tiny network by hand", ["tiny_forward", "tiny_backward", "ans_u3_1_q4"],
    manual="the drawing of the network (part a)",
    checks=[
        output("forward equals the module", "tiny_forward", tiny_forward_inputs, weight=2),
        output("backward equals autograd", "tiny_backward", tiny_backward_inputs, weight=4),
        output("first ReLU off", "tiny_backward", first_relu_off_inputs, weight=1.5),
        source("without autograd", "tiny_backward",
               [case({key: torch.ones(shape, dtype=F64) for key, shape in TINY_KEYS}, torch.ones(2, dtype=F64), 1.0,
                     label="all-ones parameters, x = (1, 1), target 1")], weight=1,
               forbid=NO_AUTOGRAD, reason="compute the gradients by backpropagation by hand"),
        answer("number of parameters", "ans_u3_1_q4", weight=1.5),
    ],
    mistakes=[
        mistake("keeps_the_sigmoid_s_derivative", fails=["backward equals autograd"], says="values differ"),
        mistake("forgets_the_first_relu", fails=["first ReLU off"], says="at ['0.weight']"),
        mistake("the_sign_of_the_cost_flipped", fails=["backward equals autograd", "first ReLU off"], says="values differ"),
        mistake("a_row_vector_for_x", fails=["forward equals the module"], says="expected shape (50, 1)"),
        mistake("counts_the_weights_only", fails=["number of parameters"], says="is not correct"),
    ],
)

