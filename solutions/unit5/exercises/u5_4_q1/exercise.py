"""u5.4.q1: A convolution layer with several input and output channels."""

from autograder.exercises import Call, Exercise, fixture, grad, kept, mistake, ops, output, raises, sequence, using
from autograder_units.unit5.common import CONVOLUTION_OPS, F64, SCALED, dims, loops, unit_kernel

# (N, C_in, C_out, picture, kernel): channel counts 1-3, rectangular kernels, non-square pictures
SETTINGS = [(1, 1, 1, (6, 7), (3, 3)), (4, 2, 3, (8, 6), (2, 3)), (1, 3, 2, (5, 9), (3, 1)),
            (4, 3, 3, (7, 7), (1, 1)), (2, 1, 3, (4, 5), (4, 5)), (4, 3, 1, (10, 12), (3, 5))]


def layer(d, c_in: int, c_out: int, kernel, dtype=None) -> list[Call]:
    """ConvLayer(c_in, c_out, kernel) with a random kernel of the judge's, kept as `set`."""
    shape = (c_out, c_in, *kernel)
    weights = unit_kernel(d, shape) if dtype is None else d.randn(*shape, dtype=dtype)
    made = f"ConvLayer({c_in}, {c_out}, {kernel})"
    return [Call(kwargs={"in_channels": c_in, "out_channels": c_out, "kernel_size": kernel}, keep_as="layer",
                 quiet=True, label=made),
            fixture("conv_layers.with_kernel", kept("layer"), weights, keep_as="set",
                    label=f"{made} with a random kern{'' if dtype is None else ' (float64)'}")]


def forward_case(d, n, c_in, c_out, picture, kernel, dtype=None):
    what = f"ConvLayer({c_in}, {c_out}, {kernel}) on a batch {dims((n, c_in, *picture))}"
    x = d.rand(n, c_in, *picture) if dtype is None else d.randn(n, c_in, *picture, dtype=dtype)
    return sequence(*layer(d, c_in, c_out, kernel, dtype),
                    Call((x,), target="$set", label=what + ("" if dtype is None else " (float64)")), label=what)


def float32_inputs(d):
    return [forward_case(d, *setting) for setting in SETTINGS]


def float64_inputs(d):
    return [forward_case(d, *setting, dtype=F64) for setting in SETTINGS[1:4]]


def bad_inputs(d):
    cases = []
    for c_in, x, what in ((2, d.rand(2, 3, 6, 6), "a batch with 3 channels for a layer of 2"),
                          (1, d.rand(6, 6), "a 2-D picture (6, 6)"),
                          (2, d.rand(2, 6, 6), "a 3-D input (2, 6, 6)"),
                          (1, d.rand(1, 1, 2, 6), "a kernel (3, 3) taller than the pictures (1, 1, 2, 6)")):
        cases.append(sequence(*layer(d, c_in, 2, (3, 3)), Call((x,), target="$set", label=what), label=what))
    return cases


def parameter_inputs(d):
    cases = []
    for c_in, c_out, kernel in ((3, 2, (3, 5)), (1, 4, (2, 2))):
        made = f"ConvLayer({c_in}, {c_out}, {kernel})"
        cases.append(sequence(
            Call(kwargs={"in_channels": c_in, "out_channels": c_out, "kernel_size": kernel}, keep_as="layer", quiet=True,
                 label=made),
            using("conv_layers.parameters", kept("layer"), label=f"the parameters (name, shape) of {made}"),
            using("autograder.fixtures.modules.parameter_count", kept("layer"), label=f"the parameter count of {made}"),
            label=made))
    return cases


def one_call(d):
    return [forward_case(d, 2, 2, 2, (6, 6), (3, 3))]


def growing_inputs(d):
    """ConvLayer(1, 1, (1, 1)) on pictures (2, 1, 8, 8), then ConvLayer(3, 3, (3, 3)) on (2, 3, 10, 10):
    the same 64 output positions, 81 times as many (C_out, C_in, kernel entry) triples. A loop over
    output positions dispatches as many operations for both; loops over some of the channels and
    kernel entries as well up to 9 times as many; over all of them, 81 times."""
    cases = []
    calls = []
    for c, k, size in ((1, 1, 8), (3, 3, 10)):
        what = f"ConvLayer({c}, {c}, ({k}, {k})) on a batch (2, {c}, {size}, {size})"
        calls += [*layer(d, c, c, (k, k)), Call((d.rand(2, c, size, size),), target="$set", label=what)]
    cases.append(sequence(*calls, label="a 1 x 1 kernel on one channel, then a 3 x 3 kernel on three"))
    return cases


# float32 tolerance: the kernels are rescaled so that max|X| * sum|K| = 1 over each output
# channel's whole kernel (common.py; the verified note on u5.4.q1 asks for u5.2.q1's scaled
# tolerance). float64: the grader gives the layer a float64 kern (`with_kernel` calls layer.to).
# Loops (soft): loops over output positions are the reference's way; a layer that also loops over
# channels and kernel entries in Python is far slower. The grader counts the operations (not the
# time, which varied ten-fold on this shared machine): see growing_inputs.
EXERCISE = Exercise(
    "u5.4.q1", "A convolution layer with several input and output channels", ["ConvLayer"],
    checks=[
        output("float32 outputs", "ConvLayer", float32_inputs, weight=3, **SCALED),
        output("float64 outputs", "ConvLayer", float64_inputs, weight=1),
        grad("gradients for the input and kern", "ConvLayer", float64_inputs, wrt_args=[0], wrt_params=True,
             weight=2),
        output("one parameter, kern (C_out, C_in, p, q)", "ConvLayer", parameter_inputs, weight=1),
        raises("bad input raises ValueError", "ConvLayer", bad_inputs, ["ValueError"], weight=1),
        ops("no library convolution", "ConvLayer", one_call, forbid=CONVOLUTION_OPS, weight=1.5,
            reason="compute the sums of products yourself; Tensor.unfold is allowed"),
        loops("loops over output positions only", "ConvLayer", growing_inputs, max_growth=20, weight=0.5,
              allowed="a loop over output positions (or over some of the channels and kernel entries)",
              hint="let broadcasting pair every window with every kernel"),
    ],
    mistakes=[
        mistake("no_channel_axis_for_the_windows", fails=["float32 outputs", "float64 outputs"], says="for ConvLayer"),
        mistake("kern_with_the_channel_axes_swapped", fails=["one parameter, kern (C_out, C_in, p, q)"],
                says="the parameters (name, shape)"),
        mistake("a_bias_parameter_too", fails=["one parameter, kern (C_out, C_in, p, q)"], says="expected a list of length 1"),
        mistake("calls_f_conv2d", fails=["no library convolution"], says="aten.convolution"),
        mistake("no_check_of_the_channels", fails=["bad input raises ValueError"], says="should raise ValueError"),
        mistake("loops_over_channels_and_kernel_entries", fails=["loops over output positions only"],
                says="loops in Python over every entry"),
    ],
)
