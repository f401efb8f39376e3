"""u5.3.q3: The backward pass through a small convolution, by hand."""

import torch

from autograder.exercises import Exercise, case, mistake, ops, output, raises
from autograder_units.unit5.common import AUTOGRAD_BACKWARD, F64, dims

SIZES = [((2, 3), (1, 2)), ((3, 2), (2, 1)), ((5, 7), (3, 2)), ((6, 6), (3, 3)), ((4, 4), (4, 4)), ((3, 8), (1, 5))]


def backward_inputs(d):
    cases = []
    for picture, kernel in SIZES:
        out = (picture[0] - kernel[0] + 1, picture[1] - kernel[1] + 1)
        cases.append(case(d.randn(*picture, dtype=F64), d.randn(*kernel, dtype=F64), d.randn(*out, dtype=F64),
                          label=f"a float64 picture {dims(picture)}, kernel {dims(kernel)} and grad_Y {dims(out)}"))
    return cases


def one_call(d):
    return [case(d.randn(4, 5, dtype=F64), d.randn(2, 3, dtype=F64), d.randn(3, 3, dtype=F64),
                 label="a picture (4, 5), a kernel (2, 3) and grad_Y (3, 3)")]


def mismatched(d):
    return [case(d.randn(2, 3, dtype=F64), d.randn(1, 2, dtype=F64), d.randn(2, 3, dtype=F64),
                 label="a picture (2, 3), a kernel (1, 2) and grad_Y (2, 3) instead of (2, 2)"),
            case(d.randn(5, 5, dtype=F64), d.randn(3, 3, dtype=F64), d.randn(9, dtype=F64),
                 label="a picture (5, 5), a kernel (3, 3) and a flat grad_Y (9,)")]


# "By hand, without autograd" is judged by the operations the call dispatches (the catalogue's
# correction): autograd through F.conv2d dispatches convolution_backward, through a loop of
# slices or indexed entries slice_backward / select_backward. Computing the two correlations
# with F.conv2d and F.conv_transpose2d, or with loops, is by hand and allowed.
EXERCISE = Exercise(
    "u5.3.q3", "The backward pass through a small convolution, by hand", ["conv2d_backward"],
    checks=[
        output("gradients equal autograd's", "conv2d_backward", backward_inputs, weight=6,
               transforms={"": "as_list"}),  # a pair as a tuple or a list alike
        ops("without autograd", "conv2d_backward", one_call, forbid=AUTOGRAD_BACKWARD, weight=2,
            reason="write the backward pass with your own formulas"),
        raises("a grad_Y of the wrong shape raises ValueError", "conv2d_backward", mismatched, ["ValueError"], weight=1),
    ],
    mistakes=[
        mistake("assigns_instead_of_adding_overlaps", fails=["gradients equal autograd's"], says="values differ"),
        mistake("grad_x_with_the_flipped_kernel_twice", fails=["gradients equal autograd's"], says="values differ"),
        mistake("autograd_through_f_conv2d", fails=["without autograd"], says="aten.convolution_backward"),
        mistake("autograd_through_a_loop", fails=["without autograd"], says="slice_backward"),
        mistake("no_check_of_grad_y", fails=["a grad_Y of the wrong shape raises ValueError"], says="should raise ValueError"),
    ],
)
