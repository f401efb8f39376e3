"""u5.2.q1: A convolution function with input validation."""

import torch

from autograder.exercises import Exercise, case, grad, mistake, ops, output, perf, raises
from autograder_units.unit5.common import F64, LIBRARY_CONVOLUTION, SCALED, dims, pictures, unit_kernel

# (picture, kernel) sizes: square and rectangular kernels (1x2, 2x1, 3x5), a kernel as large as
# the picture (a 1 x 1 output), non-square pictures
SIZES = [((9, 11), (3, 3)), ((8, 6), (1, 2)), ((7, 5), (2, 1)), ((10, 12), (3, 5)), ((4, 6), (4, 6)),
         ((28, 28), (3, 3))]


def float32_inputs(d):
    cases = []
    for (picture, kernel), scale in zip(SIZES, (1.0, 0.01, 100.0, 1.0, 3.0, 1.0)):
        X = pictures(d, picture, scale)
        cases.append(case(X, unit_kernel(d, kernel, top=scale),
                          label=f"a float32 picture {dims(picture)} with values up to {scale:g} and a kernel {dims(kernel)}"))
    X = (d.rand(12, 10) * 256).to(torch.uint8)
    cases.append(case(X, unit_kernel(d, (3, 3), top=255.0), label="a uint8 picture (12, 10) and a float32 kernel (3, 3)"))
    return cases


def exact_inputs(d):
    """float64 inputs, and integer ones (which give float32): compared at the dtype's own tolerance."""
    cases = [case(d.randn(*picture, dtype=F64) * 10, d.randn(*kernel, dtype=F64),
                  label=f"a float64 picture {dims(picture)} and kernel {dims(kernel)}")
             for picture, kernel in SIZES[:4]]
    X = (d.rand(8, 9) * 256).to(torch.uint8)
    cases += [case(X, torch.tensor([[-1.0, 1.0]]), label="a uint8 picture (8, 9) and the float32 kernel [[-1, 1]]"),
              case(X, torch.tensor([[-1.0], [1.0]], dtype=F64),
                   label="a uint8 picture (8, 9) and a float64 kernel [[-1], [1]]"),
              case((d.rand(6, 7) * 20).to(torch.int64), torch.tensor([[1, 0], [0, -1]]),
                   label="an int64 picture (6, 7) and an int64 kernel (2, 2) (the result is float32)")]
    return cases


def grad_inputs(d):
    return [case(d.randn(*picture, dtype=F64), d.randn(*kernel, dtype=F64),
                 label=f"a float64 picture {dims(picture)} and kernel {dims(kernel)}, both requiring gradients")
            for picture, kernel in SIZES[:5]]


def shape_errors(d):
    X, K = d.rand(6, 7), d.rand(3, 3)
    return [case(d.rand(1, 6, 7), K, label="a 3-D picture (1, 6, 7)"),
            case(d.rand(6), K, label="a 1-D picture (6,)"),
            case(X, d.rand(3), label="a 1-D kernel (3,)"),
            case(X, d.rand(1, 3, 3), label="a 3-D kernel (1, 3, 3)"),
            case(X, d.rand(7, 3), label="a kernel taller than the picture: (7, 3) on (6, 7)"),
            case(X, d.rand(2, 8), label="a kernel wider than the picture: (2, 8) on (6, 7)"),
            case(X, torch.zeros(0, 3), label="an empty kernel (0, 3)")]


def type_errors(d):
    return [case(None, d.rand(3, 3), label="None as the picture"),
            case(d.rand(5, 5), "blur", label="a string as the kernel")]


def one_call(d):
    return [case(d.rand(10, 9), d.randn(3, 2), label="a float32 picture (10, 9) and a kernel (3, 2)")]


def timing_inputs(d):
    return [case(d.rand(64, 64), d.randn(5, 5), label="a float32 picture (64, 64) and a kernel (5, 5)")]


# Tolerances: float32 cases rescale the kernel so that max|X| * sum|K| = 1 (common.py), with
# atol 1e-5, rtol 1e-5 (the verified note: no correct answer rejected in 200 cases, the flipped
# kernel caught every time). The reference is the text's loop over output positions in the
# promoted dtype; the timing (soft) allows 5 times its time on a 64 x 64 picture with a 5 x 5
# kernel: a loop over every pixel and kernel entry is about 20 times slower, a vectorised
# version faster (the verified note on perf).
EXERCISE = Exercise(
    "u5.2.q1", "A convolution function with input validation", ["conv2d_valid"],
    checks=[
        output("float32 values", "conv2d_valid", float32_inputs, weight=3, **SCALED),
        output("float64 and integer inputs", "conv2d_valid", exact_inputs, weight=2),
        grad("gradients", "conv2d_valid", grad_inputs, wrt_args=[0, 1], weight=1.5),
        raises("bad shapes raise ValueError", "conv2d_valid", shape_errors, ["ValueError"], weight=1),
        raises("no tensor raises TypeError", "conv2d_valid", type_errors, ["TypeError"], weight=0.5),
        ops("no library convolution", "conv2d_valid", one_call, forbid=LIBRARY_CONVOLUTION, weight=1.5,
            reason="compute the sums of products yourself"),
        perf("time against the text's loop", "conv2d_valid", timing_inputs, weight=0.5, max_ratio=5,
             repeats=2, case_seconds=30, hint="loop over output positions only, multiplying a whole window by the kernel"),
    ],
    mistakes=[
        mistake("flips_the_kernel", fails=["float32 values", "float64 and integer inputs", "gradients"],
                says="values differ"),
        mistake("always_float32", fails=["float64 and integer inputs"], says="dtype"),
        mistake("calls_f_conv2d", fails=["no library convolution"], says="aten.convolution"),
        mistake("unfold_and_matmul", fails=["no library convolution"], says="aten.unfold"),
        mistake("no_validation", fails=["bad shapes raise ValueError", "no tensor raises TypeError"],
                says="should raise"),
        mistake("loops_over_every_pixel_and_kernel_entry", fails=["time against the text's loop"], says="slower"),
    ],
)
