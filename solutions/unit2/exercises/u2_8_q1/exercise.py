"""u2.8.q1: When a softmax probability underflows."""

import torch

from autograder.exercises import Exercise, answer, case, mistake, output, source
from autograder_units.unit2.common import F64


def log_softmax_cases(d):
    cases = []
    for dtype in (torch.float32, F64):
        name = str(dtype).removeprefix("torch.")
        cases.append(case(d.randn(6, 10, dtype=dtype) * 5, 1, label=f"{name} scores of shape (6, 10), dim=1"))
        cases.append(case(d.randn(3, 4, 5, dtype=dtype) * 5, 0, label=f"{name} scores of shape (3, 4, 5), dim=0"))
        cases.append(case(d.randn(2, 7, dtype=dtype) * 5, label=f"{name} scores of shape (2, 7), default dim"))
        cases.append(case(d.randn(8, dtype=dtype) * 5, dim=-1, label=f"{name} scores of shape (8,), dim=-1"))
    return cases


def huge_score_cases(d):
    cases = []
    for dtype in (torch.float32, F64):
        name = str(dtype).removeprefix("torch.")
        cases.append(case((d.rand(16, 10, dtype=dtype) * 2 - 1) * 1000, 1,
                          label=f"{name} scores in [-1000, 1000] of shape (16, 10), dim=1"))
        cases.append(case((d.rand(4, 6, dtype=dtype) * 2 - 1) * 1000, 0,
                          label=f"{name} scores in [-1000, 1000] of shape (4, 6), dim=0"))
    return cases


EXERCISE = Exercise(
    "u2.8.q1", "When a softmax probability underflows", ["ans_u2_8_q1", "stable_log_softmax"],
    checks=[
        answer("what goes wrong", "ans_u2_8_q1", choices="ABCD", weight=3),
        output("equals log_softmax", "stable_log_softmax", log_softmax_cases, weight=3, scale=10),
        # a correct z - logsumexp(z) is off by about 1e-4 in float32 near |z| = 1000: the
        # tolerance scales with the size of the scores (1e-6 of 1000)
        output("scores up to 1000", "stable_log_softmax", huge_score_cases, weight=3, rtol=1e-5, atol=1e-3),
        source("without torch's log-softmax", "stable_log_softmax", [case(torch.zeros(2, 3), 1)], weight=1,
               forbid=["log_softmax", "LogSoftmax"], reason="subtract the maximum yourself"),
    ],
    mistakes=[
        mistake("the_log_of_the_softmax", fails=["scores up to 1000"], says="got -inf"),
        mistake("no_shift_by_the_maximum", fails=["scores up to 1000"], says="scores in [-1000, 1000]"),
        mistake("always_the_last_dimension", fails=["equals log_softmax"], says="dim=0"),
        mistake("calls_torch_s_log_softmax", fails=["without torch's log-softmax"],
                says="subtract the maximum yourself"),
        mistake("log_0_is_replaced_by_0", fails=["what goes wrong"], says="is not the right choice"),
    ],
)

