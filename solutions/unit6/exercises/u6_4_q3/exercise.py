"""u6.4.q3: dh_T/dw of a scalar RNN by BPTT, and the first step with h0 = 0."""

import torch

from autograder.exercises import Exercise, answer, case, mistake, output, source

F64 = torch.float64
NO_AUTOGRAD = ["backward", "grad", "autograd", "requires_grad", "requires_grad_"]


def rnns(d):
    """T in {1, 2, 10, 50}; parameters in [-3, 3]; h0 = 0, h0 in (-1, 1), h0 in [-5, 5]."""
    cases = []
    for T in (1, 2, 10, 50):
        for h0 in (0.0, round(d.py.uniform(-0.99, 0.99), 6), round(d.py.uniform(-5, 5), 6)):
            x = d.randn(T, dtype=F64)
            w_in, b_in, w, b_h = (round(d.py.uniform(-3, 3), 6) for _ in range(4))
            cases.append(case(x, w_in, b_in, w, b_h, h0=h0,
                              label=f"T = {T}, w_in = {w_in}, b_in = {b_in}, w = {w}, b_h = {b_h}, h0 = {h0}"))
    cases.append(case(d.randn(6, dtype=F64), 0.7, -0.2, 1.3, 0.1, label="T = 6, the default h0 (0)"))
    return cases


# the values must equal autograd's (float64: rtol 1e-10, atol 1e-12); the BPTT sum and the forward
# recursion d_t = (1 - h_t^2)(h_{t-1} + w d_{t-1}) both stay within 3e-4 of that tolerance (verified note)
EXERCISE = Exercise(
    "u6.4.q3", "The BPTT gradient of a scalar RNN, and its first step", ["scalar_rnn_dh_dw", "ans_u6_4_q3"],
    checks=[
        output("dh_T/dw", "scalar_rnn_dh_dw", rnns, weight=5, rtol=1e-10, atol=1e-12, transforms={"": "one_number"}),
        source("without autograd", "scalar_rnn_dh_dw", [case(torch.zeros(1, dtype=F64), 1.0, 0.0, 1.0, 0.0)], weight=1,
               forbid=NO_AUTOGRAD, reason="compute the sum with the formulas of section 6.4"),
        answer("the first step", "ans_u6_4_q3", weight=3, choices="ABCD"),
    ],
    mistakes=[
        mistake("ignores_h0", fails=["dh_T/dw"], says="h0 = "),
        mistake("immediate_term_without_its_factor", fails=["dh_T/dw"], says="T = 1,"),
        mistake("with_autograd", fails=["without autograd"], says="backward"),
        mistake("thinks_the_step_is_linear", fails=["the first step"]),
    ],
)
