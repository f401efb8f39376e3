"""u2.2.q1: The simplified gradient of H."""

import torch

from autograder.exercises import Call, Exercise, case, mistake, output, sequence, source
from autograder_units.unit2.common import F64


def point_calls(d, count: int, dtype: torch.dtype, z_low: float, z_high: float):
    """Calls neuron_point_grad(w, b, x, yt) whose z = w.x + b has |z| in [z_low, z_high]."""
    calls = []
    for _ in range(count):
        w = d.randn(2, dtype=dtype)
        x = (d.rand(2, dtype=dtype) * 2 - 1) * 5
        target = d.py.choice([-1, 1]) * d.py.uniform(z_low, z_high)
        b = round(target - float(x.to(F64) @ w.to(F64)), 6)
        yt = float(d.py.randint(0, 1))
        name = str(dtype).removeprefix("torch.")
        calls.append(Call((w, b, x, yt), label=f"a {name} point with label {yt:g} and z = {target:.3g}"))
    return calls


def point_grad_inputs(d):
    n = 5 if d.release else 100  # the release: each call is a step of its own in the plan (about 1 KB)
    return [sequence(*point_calls(d, n, F64, 0, 6), label=f"{n} random float64 points"),
            sequence(*point_calls(d, n, torch.float32, 0, 6), label=f"{n} random float32 points")]


def saturated_point_inputs(d):
    n = 10 if d.release else 20  # the release: half of them (z > 0 in float32) still round sigma(z) to 1
    return [sequence(*point_calls(d, n, torch.float32, 20, 30), label="float32 points with |z| between 20 and 30"),
            sequence(*point_calls(d, n, F64, 20, 30), label="float64 points with |z| between 20 and 30")]


EXERCISE = Exercise(
    "u2.2.q1", "The simplified gradient of H", ["neuron_point_grad"],
    checks=[
        output("random points", "neuron_point_grad", point_grad_inputs, weight=5, scale=10),
        output("points with large |z|", "neuron_point_grad", saturated_point_inputs, weight=3, scale=10),
        source("without autograd", "neuron_point_grad", [case(torch.ones(2), 0.0, torch.ones(2), 1.0)], weight=2,
               forbid=["autograd", "backward", "grad", "requires_grad", "requires_grad_"],
               reason="use your simplified formula"),
    ],
    mistakes=[
        mistake("the_sign_flipped", fails=["random points"], says="values differ"),
        mistake("the_three_factors_not_simplified", fails=["points with large |z|"], says="got nan"),
        mistake("the_bias_entry_left_out", fails=["random points"], says="expected shape (3,)"),
        mistake("autograd_instead_of_the_formula", fails=["without autograd"], says="use your simplified formula"),
    ],
)

