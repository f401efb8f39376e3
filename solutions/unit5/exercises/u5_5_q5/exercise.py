"""u5.5.q5: Average pooling as a convolution."""

from autograder.exercises import Call, Exercise, grad, kept, mistake, ops, output, sequence, using
from autograder_units.unit5.common import dims

SETTINGS = [(1, 1, (6, 8)), (2, 3, (7, 9)), (1, 3, (6, 8)), (3, 1, (7, 9)), (2, 3, (2, 3))]


def pooling_case(d, n: int, channels: int, size, dtype=None):
    made = "avgpool_as_conv()" if channels == 1 and n == 1 else f"avgpool_as_conv({channels})"
    args = () if made.endswith("()") else (channels,)
    shape = (n, channels, *size)
    x = d.rand(*shape) if dtype is None else d.rand(*shape, dtype=dtype)
    return sequence(Call(args, keep_as="conv", quiet=True, label=made),
                    Call((x,), target="$conv", label=f"{made} on a batch {dims(shape)}"),
                    label=f"{made} on a batch {dims(shape)}")


def pooling_inputs(d):
    return [pooling_case(d, *setting) for setting in SETTINGS]


def settings_inputs(d):
    return [sequence(Call((channels,), keep_as="conv", quiet=True, label=f"avgpool_as_conv({channels})"),
                     using("conv_modules.conv_settings", kept("conv"), label=f"the settings of avgpool_as_conv({channels})"),
                     label=f"avgpool_as_conv({channels})") for channels in (1, 3)]


# Equal to nn.AvgPool2d(2) bit for bit in the verified note (outputs and input gradients, C in
# {1, 3}, 6 x 8 and 7 x 9 pictures: both drop the incomplete last row and column). The layer's
# weights may be (C, 1, 2, 2) with groups=C or (C, C, 2, 2), zero across channels: the settings
# compared leave `groups` out.
EXERCISE = Exercise(
    "u5.5.q5", "Average pooling as a convolution", ["avgpool_as_conv"],
    checks=[
        output("equals nn.AvgPool2d(2)", "avgpool_as_conv", pooling_inputs, weight=5),
        grad("input gradients", "avgpool_as_conv", pooling_inputs, wrt_args=[0], weight=2),
        output("a 2x2 convolution with stride 2 and no bias", "avgpool_as_conv", settings_inputs, weight=1.5),
        ops("no pooling routine", "avgpool_as_conv", lambda d: [pooling_case(d, 1, 3, (4, 4))],
            forbid=["avg_pool2d", "adaptive_avg_pool2d", "avg_pool3d"], weight=1.5,
            reason="the convolution itself must average the 2 x 2 windows"),
    ],
    mistakes=[
        mistake("stride_1", fails=["equals nn.AvgPool2d(2)", "a 2x2 convolution with stride 2 and no bias"],
                says="expected shape"),
        mistake("a_kernel_of_ones", fails=["equals nn.AvgPool2d(2)", "input gradients"], says="values differ"),
        mistake("keeps_the_bias", fails=["equals nn.AvgPool2d(2)", "a 2x2 convolution with stride 2 and no bias"],
                says="has a bias"),
        mistake("mixes_the_channels", fails=["equals nn.AvgPool2d(2)", "input gradients"], says="avgpool_as_conv(3)"),
        mistake("pooling_in_disguise", fails=["no pooling routine"], says="aten.avg_pool2d"),
    ],
)
