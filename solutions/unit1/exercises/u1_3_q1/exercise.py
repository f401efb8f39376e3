"""u1.3.q1: Replace negative entries by +inf."""

import math

import torch

from autograder.exercises import Exercise, case, memory, mistake, output, perf, raises

INF, NAN = math.inf, math.nan


def where_inputs(d):
    return [
        case(d.randn(10, 10)), case(d.randn(3, 4, 5, dtype=torch.float64)), case(torch.empty(0)),
        case(d.randn(())),
        case(torch.tensor([0.0, -0.0, -INF, INF, NAN, -1.5, 2.5]), label="an input holding 0, -0, -inf, inf and nan"),
        case(d.randn(2, 3, dtype=torch.float16)),
    ]


EXERCISE = Exercise(
    "u1.3.q1", "Replace negative entries by +inf", ["negatives_to_inf"],
    checks=[
        output("values", "negatives_to_inf", where_inputs, weight=5),
        memory("input untouched, result new", "negatives_to_inf", lambda d: [case(d.randn(4, 5))], weight=2,
               arg_unchanged=True, result_shares_storage=False),
        raises("integer input", "negatives_to_inf", [case(torch.arange(6)), case(torch.tensor([[1, -2]]))],
               ["TypeError"]),
        perf("vectorised", "negatives_to_inf", lambda d: [case(d.randn(100_000))], max_ratio=5, case_seconds=10),
    ],
    mistakes=[
        mistake("strict_comparison_sends_zeros_to_inf", fails=['values'], says='expected 0, got inf'),
        mistake("modifies_the_input_in_place", fails=['input untouched, result new'], says='the input was modified'),
        mistake("a_python_loop_over_the_elements", fails=['vectorised'], says='slower than a vectorised'),
    ],
)

