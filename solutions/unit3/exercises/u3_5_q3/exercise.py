"""u3.5.q3: The backward pass through BN."""

import torch

from autograder.exercises import Exercise, call, case, mistake, output, sequence, source, vectorised
from autograder_units.unit3.common import F64, NO_AUTOGRAD


def bn_grad_inputs(d):
    cases = []
    for n in (2, 3, 64):
        for width in (1, 7):
            x = d.randn(n, width, dtype=F64) * 3 + 1
            cases.append(case(d.randn(n, width, dtype=F64), x, d.randn(width, dtype=F64),
                              label=f"x of shape ({n}, {width}) (float64) and random grad_y, gamma"))
    x = d.randn(16, 4, dtype=F64)
    cases.append(case(d.randn(16, 4, dtype=F64), x, d.randn(4, dtype=F64), eps=0.5,
                      label="x of shape (16, 4) (float64), eps 0.5"))
    return cases


def growing_batches(d):
    """Batches of 4 and 64 rows of width 5: the same number of operations when vectorised."""
    gamma = d.randn(5, dtype=F64)
    return [sequence(*(call(d.randn(n, 5, dtype=F64), d.randn(n, 5, dtype=F64), gamma) for n in (4, 64)),
                     label="batches of 4 and 64 rows")]


EXERCISE = Exercise(
    "u3.5.q3", "The backward pass through BN", ["bn_backward"],
    checks=[
        output("equals autograd through BN", "bn_backward", bn_grad_inputs, weight=6, rtol=1e-9, atol=1e-9),
        source("without autograd", "bn_backward", [case(torch.ones(2, 1), torch.ones(2, 1), torch.ones(1))],
               weight=1, forbid=NO_AUTOGRAD, reason="use your own formula for the gradients"),
        vectorised("no loop over the batch", "bn_backward", growing_batches, weight=1),
    ],
    mistakes=[
        mistake("forgets_that_the_statistics_depend_on_x", fails=["equals autograd through BN"], says="at [0]"),
        mistake("the_unbiased_variance", fails=["equals autograd through BN"], says="values differ"),
        mistake("autograd_through_the_forward_pass", fails=["without autograd"], says="use your own formula"),
        mistake("one_sample_at_a_time", fails=["no loop over the batch"], says="loops over the samples"),
    ],
)

