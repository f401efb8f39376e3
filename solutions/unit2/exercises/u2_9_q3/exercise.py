"""u2.9.q3: Two affine layers equal one."""

import torch

from autograder.exercises import Call, Exercise, case, helper, kept, mistake, output, sequence
from autograder_units.unit2.common import F64


def affine_pairs(d):
    def pair(d_in: int, hidden: int, out: int, dtype, what: str):
        return case(d.randn(hidden, d_in, dtype=dtype), d.randn(hidden, dtype=dtype), d.randn(out, hidden, dtype=dtype),
                    d.randn(out, dtype=dtype), label=f"{what}: W1 ({hidden}, {d_in}), W2 ({out}, {hidden}), "
                                                     f"{str(dtype).removeprefix('torch.')}")

    sizes = [d.py.randint(1, 30) for _ in range(3)]
    cases = [pair(3, 3, 3, F64, "square layers"), pair(1, 1, 1, F64, "1 x 1 layers"),
             pair(3, 5, 4, torch.float32, "rectangular layers")]
    if not d.release:  # the release leaves out A of (10, 784), 31 KB
        cases.append(pair(784, 20, 10, torch.float32, "the deep network's layers"))
    return cases + [pair(*sizes, F64, "random sizes")]


def single_layer_cases(d):
    cases = []
    for d_in, hidden, out, dtype in ((784, 20, 10, torch.float32), (3, 5, 4, F64), (1, 1, 1, torch.float32)):
        weights = (d.randn(hidden, d_in, dtype=dtype, std=0.3), d.randn(hidden, dtype=dtype),
                   d.randn(out, hidden, dtype=dtype, std=0.3), d.randn(out, dtype=dtype))
        name = str(dtype).removeprefix("torch.")
        what = (f"one nn.Linear({d_in}, {out}) built from (A, c), on 32 random {name} inputs (it should give what "
                f"nn.Sequential(nn.Linear({d_in}, {hidden}), nn.Linear({hidden}, {out})) gives)")
        cases.append(sequence(Call(weights, keep_as="Ac", quiet=True, label="collapse_affine(W1, b1, W2, b2)"),
                              Call((kept("Ac", "(A, c)"), d.randn(32, d_in, dtype=dtype)),
                                   make=helper("affine_layers.one_layer_output", "one nn.Linear built from (A, c)"),
                                   label=what),
                              label=what))
    return cases


EXERCISE = Exercise(
    "u2.9.q3", "Two affine layers equal one", ["collapse_affine"],
    checks=[
        output("A and c", "collapse_affine", affine_pairs, weight=3, scale=10),
        output("two layers against one", "collapse_affine", single_layer_cases, weight=2, scale=10),
    ],
    mistakes=[
        mistake("b1_added_without_passing_through_w2", fails=["A and c", "two layers against one"],
                says="for square layers"),
        mistake("b2_forgotten", fails=["A and c", "two layers against one"], says="values differ"),
        mistake("the_matrices_multiplied_in_the_wrong_order", fails=["A and c"], says="square layers"),
        mistake("a_transposed", fails=["A and c", "two layers against one"], says="raised RuntimeError"),
    ],
)

