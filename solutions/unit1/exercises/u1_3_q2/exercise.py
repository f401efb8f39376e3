"""u1.3.q2: The elements whose three indices are all odd."""

import torch

from autograder.exercises import Exercise, case, memory, mistake, output, raises


def slice_inputs(d):
    grid = torch.arange(100).reshape(10, 10)
    return [
        case(grid), case(grid, (10, 5, 2)),
        case(d.randn(10, 10), (5, 2, 10)), case(d.randn(6, 10), (3, 4, 5)),
        case(d.randint(-50, 50, (4, 6)), (2, 3, 4)), case(d.randn(2, 4, dtype=torch.float64), (2, 2, 2)),
    ]


EXERCISE = Exercise(
    "u1.3.q2", "The elements whose three indices are all odd", ["odd_index_slice"],
    checks=[
        output("values", "odd_index_slice", slice_inputs, weight=5),
        memory("a view, not a copy", "odd_index_slice",
               lambda d: [case(d.randn(10, 10)), case(d.randn(6, 10), (3, 4, 5))], weight=3,
               result_shares_storage=True),
        raises("incompatible shape", "odd_index_slice",
               lambda d: [case(d.randn(10, 10), (3, 3, 3)), case(d.randn(4, 6), (2, 2, 2))],
               ["RuntimeError", "ValueError"], weight=2),
    ],
    mistakes=[
        mistake("starts_at_index_0", fails=['values'], says='expected shape'),
        mistake("copies_with_clone", fails=['a view, not a copy'], says='the result is a copy'),
    ],
)

