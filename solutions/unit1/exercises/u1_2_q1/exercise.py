"""u1.2.q1: Eigenvalues and norms of a batch of 2x2 matrices."""

import math

import torch

from autograder.exercises import Exercise, answer, case, generator, mistake, output, perf, prop
from autograder_units.unit1.common import seeded_pair


def rotations(n: int, d) -> torch.Tensor:
    angles = d.rand(n) * 2 * math.pi
    c, s = torch.cos(angles), torch.sin(angles)
    return torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2)


def stat_inputs(d):
    return [
        case(d.rand(1, 2, 2)), case(d.rand(100, 2, 2)), case(d.rand(1000, 2, 2)),
        case(d.rand(50, 2, 2, dtype=torch.float64)),
        case(rotations(20, d), label="rotation matrices (with negative entries)"),
    ]


EXERCISE = Exercise(
    "u1.2.q1", "Eigenvalues and norms of a batch of 2x2 matrices",
    ["make_uniform_batch", "batch_matrix_stats", "ans_u1_2_q1"],
    checks=[
        # the catalogue fixes the shape, the dtype and U[0, 1), not which random numbers are drawn:
        # the facts of public/transforms.py are compared, not the values
        output("uniform batch", "make_uniform_batch",
               lambda d: [case(100), case(1), case(7, generator(d.child_seed())), case(n=3)],
               transforms={"": "uniform_draw_facts"}),
        prop("batch uses the generator", "make_uniform_batch", lambda d: [seeded_pair(d, 5)], "results_equal",
             weight=0.5),
        output("statistics", "batch_matrix_stats", stat_inputs, weight=4,
               transforms={"eigvals": "sort_complex_last"}, scale=10),
        perf("no loop over matrices", "batch_matrix_stats", lambda d: [case(d.rand(5_000, 2, 2))],
             weight=1, max_ratio=5, case_seconds=20),
        answer("imaginary parts", "ans_u1_2_q1", choices="ABCD"),
    ],
    mistakes=[
        mistake("vector_infinity_norm_instead_of_the_matrix_norm", fails=['statistics'], says="['inf']"),
        mistake("keeps_only_the_real_part_of_the_eigenvalues", fails=['statistics'], says='expected dtype complex'),
        mistake("a_python_loop_over_the_matrices", fails=['no loop over matrices'], says='slower than a vectorised'),
    ],
)

