"""u1.4.q1: A column vector doubled in place."""

import math

import torch

from autograder.exercises import Exercise, case, every_other, memory, mistake, output


def column_inputs(d):
    return [
        case(d.randn(5)), case(torch.full((5,), math.e), label="five entries equal to e"),
        case(d.randn(1)), case(d.randn(7, dtype=torch.float64)), case(torch.arange(6)),
        case(every_other(d.randn(9)), label="a strided view base[::2]"),
    ]


EXERCISE = Exercise(
    "u1.4.q1", "A column vector doubled in place", ["double_as_column_"],
    checks=[
        output("shape and values", "double_as_column_", column_inputs, weight=4),
        memory("same memory, changed in place", "double_as_column_", column_inputs, weight=6,
               result_same_data_ptr=True, arg_storage_kept=True, args_after_like_reference=True),
    ],
    mistakes=[
        mistake("adds_two_reshaped_copies", fails=['same memory, changed in place'], says='memory address'),
        mistake("broadcasts_a_column_against_a_row", fails=['shape and values'], says='expected shape (5, 1)'),
    ],
)

