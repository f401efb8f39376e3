"""u6.4.q2: A bound on the BPTT sum."""

import torch

from autograder.exercises import Case, Exercise, case, mistake, output, prop
from autograder.exercises.spec import Call

F64 = torch.float64


def closed_form_cases(d):
    """w = 0, |w| = 1 exactly, T = 1, and |w| at least 0.001 away from 1 (nearer, the closed
    form itself loses digits to cancellation)."""
    fixed = [(0.0, 1), (0.0, 7), (1.0, 5), (-1.0, 12), (0.5, 1), (-0.5, 10), (2.0, 10), (-3.0, 30), (0.999, 50),
             (1.001, 50), (0.25, 30)]
    drawn = []
    while len(drawn) < 6:
        w = round(d.py.uniform(-3, 3), 6)
        if abs(abs(w) - 1) >= 1e-3:
            drawn.append((w, d.py.randint(1, 50)))
    return [case(w, T, label=f"bptt_bound({w!r}, {T})") for w, T in fixed + drawn]


def true_gradient(x: torch.Tensor, w_in: float, b_in: float, w: float, b_h: float) -> float:
    """|dh_T/dw| of the scalar RNN from h_0 = 0, by autograd, in float64."""
    weight = torch.tensor(w, dtype=F64, requires_grad=True)
    h = torch.zeros((), dtype=F64)
    for x_t in x:
        h = torch.tanh(w_in * x_t + b_in + weight * h + b_h)
    h.backward()
    return abs(weight.grad.item())


def random_rnns(d):
    """Random scalar RNNs (inputs, biases, w in [-3, 3], T <= 30, h_0 = 0): the judge holds
    each true |dh_T/dw|, which the student's bound must not be below."""
    count = 200 if d.quick else 1000
    calls, truths = [], []
    for i in range(count):
        T = d.py.randint(1, 30)
        w, w_in, b_in, b_h = (d.py.uniform(-3, 3) for _ in range(4))
        x = torch.randn(T, dtype=F64, generator=d.g)
        truths.append(true_gradient(x, w_in, b_in, w, b_h))
        calls.append(Call((w, T), label=f"scalar RNN {i + 1} (w = {w:.4g}, T = {T})"))
    return [Case(tuple(calls), label=f"{count} random scalar RNNs", held=torch.tensor(truths, dtype=F64))]


# Calibration of "never below the true gradient" (`autograder calibrate unit6 u6.4.q2 --seeds 10`): the
# reference passed 10 of 10 (10,000 random scalar RNNs with h0 = 0); the verified note found the
# largest |dh_T/dw| / L at 0.954. h0 stays 0: drawn from [-5, 5] it breaks the bound in 1 case of 1,000.
EXERCISE = Exercise(
    "u6.4.q2", "A bound on the BPTT sum", ["bptt_bound"],
    checks=[
        output("the closed form", "bptt_bound", closed_form_cases, weight=3, rtol=1e-12, atol=1e-300,
               transforms={"": "one_number"}),
        prop("never below the true gradient", "bptt_bound", random_rnns, "never_below", weight=1, case_seconds=30),
    ],
    mistakes=[
        mistake("one_term_too_many", fails=["the closed form"], says="for bptt_bound(1.0, 5), expected 5, got 6"),
        mistake("no_absolute_value", fails=["the closed form"], says="bptt_bound(-1.0, 12)"),
        mistake("divides_by_zero_at_one", fails=["the closed form"], says="ZeroDivisionError"),
        mistake("only_the_last_power", fails=["the closed form", "never below the true gradient"],
                says="bptt_bound(0.0, 7)"),
    ],
)
