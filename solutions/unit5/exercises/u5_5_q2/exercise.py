"""u5.5.q2: Zero padding on one side only, for a 5x5 kernel."""

from autograder.exercises import Call, Exercise, answer, case, kept, mistake, output, sequence, using
from autograder_units.unit5.common import dims


def padding_inputs(d):
    cases = []
    for shape, k in (((28, 28), 5), ((5, 7), 3), ((4, 4), 1), ((3, 6, 4), 2), ((2, 10, 10), 5), ((1, 28, 28), 5)):
        cases.append(case(d.rand(*shape), k, label=f"a picture {dims(shape)} and k = {k}"))
    return cases


def conv_inputs(d):
    return [sequence(Call(keep_as="conv", quiet=True, label="make_conv5()"),
                     using("conv_modules.conv_settings", kept("conv"), label="the settings of make_conv5()"),
                     label="make_conv5()")]


def same_size_inputs(d):
    return [sequence(Call(keep_as="conv", quiet=True, label="make_conv5()"),
                     Call((d.rand(1, 28, 28), 5), target="pad_top_left", keep_as="padded", quiet=True,
                          label="pad_top_left(picture, 5)"),
                     using("conv_modules.output_shape", kept("conv"), kept("padded"),
                           label="the shape of make_conv5()(pad_top_left(picture, 5)) for a picture (1, 28, 28)"),
                     label="a picture (1, 28, 28)")]


EXERCISE = Exercise(
    "u5.5.q2", "Zero padding on one side only, for a 5x5 kernel", ["pad_top_left", "make_conv5", "ans_u5_5_q2d"],
    manual="the picture before and after the one-sided padding and the convolution (part c)",
    checks=[
        output("padding on top and on the left", "pad_top_left", padding_inputs, weight=4),
        output("a 5x5 convolution without bias", "make_conv5", conv_inputs, weight=2),
        output("the padded picture keeps its size", "make_conv5", same_size_inputs, weight=1),
        answer("why padding goes all around", "ans_u5_5_q2d", weight=3, choices="ABCD"),
    ],
    mistakes=[
        mistake("pads_k_rows_not_k_minus_1", fails=["padding on top and on the left", "the padded picture keeps its size"],
                says="expected shape"),
        mistake("pads_bottom_and_right", fails=["padding on top and on the left"], says="values differ"),
        mistake("a_convolution_with_bias", fails=["a 5x5 convolution without bias"], says="has a bias"),
        mistake("a_convolution_that_pads_too", fails=["a 5x5 convolution without bias", "the padded picture keeps its size"],
                says="expected"),
        mistake("one_sided_padding_is_smaller", fails=["why padding goes all around"], says="is not the right choice"),
    ],
)
