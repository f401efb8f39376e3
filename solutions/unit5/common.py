"""Case builders and constants that several of unit 5's exercises share.

Convolutions in float32 are compared with an absolute tolerance scaled to the data (the
catalogue's verified note on u5.2.q1: a correct loop and F.conv2d sum in another order, and
outputs near 0 cancel large terms): atol = 1e-5 * max|X| * sum|K|. The cases here draw a
kernel and rescale it so that max|X| * sum|K| = 1, so one check-wide atol of 1e-5 (rtol 1e-5)
is that bound for every case, whatever the pictures' magnitude.
"""

import torch

from autograder.checks.properties import PropertyRule
from autograder.exercises import CheckSpec
from autograder.protocol.messages import Observe

F64 = torch.float64
SCALED = {"rtol": 1e-5, "atol": 1e-5}  # float32 convolutions of inputs with max|X| * sum|K| = 1

# aten operations of the library's convolution, by every route that reaches one: F.conv2d,
# nn.Conv2d, torch.conv2d, F.conv_transpose2d and their aliases dispatch `convolution`; the ops
# below it, called directly (torch.ops.aten._convolution, torch._C._nn.thnn_conv2d,
# torch.mkldnn_convolution, ...), dispatch themselves
CONVOLUTION_OPS = ["convolution", "_convolution", "convolution_overrideable", "_slow_conv2d_forward",
                   "slow_conv_dilated2d", "mkldnn_convolution", "cudnn_convolution", "miopen_convolution",
                   "_nnpack_spatial_convolution", "conv_tbc", "conv_depthwise2d", "_conv_depthwise2d",
                   "slow_conv_transpose2d"]
# ... and the ways of cutting windows that turn a convolution into one product (F.unfold: im2col;
# Tensor.unfold: unfold)
LIBRARY_CONVOLUTION = CONVOLUTION_OPS + ["im2col", "unfold"]
# what autograd's backward pass dispatches for the ways a convolution can be written
# (F.conv2d; loops of slices or of indexed entries; unfold; as_strided windows)
AUTOGRAD_BACKWARD = ["convolution_backward", "slice_backward", "select_backward", "unfold_backward",
                     "as_strided_backward", "im2col_backward", "col2im_backward"]


def dims(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


def unit_kernel(d, shape, top: float = 1.0, dtype=torch.float32) -> torch.Tensor:
    """A random kernel of `shape` rescaled so that its absolute values add up to 1 / top
    (top: the largest |X| of the pictures it meets), so that max|X| * sum|K| = 1."""
    kernel = d.randn(*shape, dtype=dtype)
    return kernel / (kernel.abs().sum() * top)


def pictures(d, shape, scale: float = 1.0, dtype=torch.float32) -> torch.Tensor:
    """Random pictures of `shape` with values in [0, scale) (largest value about `scale`)."""
    x = d.rand(*shape, dtype=dtype)
    return x if scale == 1.0 else x * scale


def loops(name: str, artifact: str, cases, max_growth: float, allowed: str, hint: str, weight: float = 1.0
          ) -> CheckSpec:
    """The operations a call dispatches grow from a small input to a large one no more than the
    loops the exercise allows make them grow (public/judging.py, `operations_grow_at_most`): the
    worker counts them, so the check is the same on a busy machine and an idle one."""
    rule = PropertyRule(name="operations_grow_at_most", params={"max_growth": max_growth, "allowed": allowed,
                                                                "hint": hint})
    return CheckSpec(name, artifact, rule, cases, weight, observe=Observe(ops=True), case_seconds=30)
