"""u5.6.q2: Shapes through AlexNet."""

from autograder.exercises import (
    Call, Exercise, fixture, hidden_only, kept, layers, mistake, output, raises, sequence, using,
)

SHAPES = {"": "named_shapes"}  # [name, [sizes]] pairs, torchvision's "avgpool" entry left out


def fresh_alexnet() -> list[Call]:
    """AlexNet(), kept as `net`, after the AlexNet an earlier case kept there is let go (the checks
    of one exercise share a process: two AlexNets at once are half of the worker's memory)."""
    return [fixture("networks.nothing", keep_as="net", label="the previous network let go"),
            Call(target="AlexNet", keep_as="net", quiet=True, label="AlexNet()")]


def alexnet_shape_inputs(d):
    """layer_shapes of the student's AlexNet for 1 and 2 pictures, and its number of parameters
    counted by the grader (one AlexNet: building one takes a second on a CPU)."""
    return [sequence(*fresh_alexnet(),
                     *(Call((kept("net", "AlexNet()"), d.randn(n, 3, 224, 224)),
                            label=f"layer_shapes(AlexNet(), x) for x of shape ({n}, 3, 224, 224)") for n in (1, 2)),
                     using("autograder.fixtures.modules.parameter_count", kept("net"),
                           label="the number of parameters of AlexNet() (61,100,840), counted by the grader"),
                     label="AlexNet() and inputs of 1 and 2 pictures (3, 224, 224)")]


def other_network_inputs(d):
    what = "the grader's small network (features: Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, AvgPool2d; flatten; " \
           "classifier: Linear, Tanh, Dropout, Linear)"
    return [sequence(fixture("networks.small_features_classifier", keep_as="small", label=what),
                     Call((kept("small", "the small network"), d.randn(2, 2, 16, 16)),
                          label=f"layer_shapes for {what} on x of shape (2, 2, 16, 16)"),
                     label=what)]


def weight_inputs(d):
    return [sequence(*fresh_alexnet(),
                     using("seeded_layers.report", kept("net"), d.randn(1, 3, 224, 224), d.py.randrange(10_000),
                           label="each layer's output for a picture (1, 3, 224, 224), with the course's weights "
                                 "loaded into your AlexNet"),
                     label="AlexNet() with the course's weights")]


def unbatched_inputs(d):
    return [sequence(*fresh_alexnet(),
                     Call((d.randn(3, 224, 224),), target="$net", label="AlexNet() on x of shape (3, 224, 224)"),
                     label="a picture without the batch axis, (3, 224, 224)")]


# The shapes alone cannot tell 2 x 2 pooling from the text's 3 x 3 pooling with stride 2 (the
# catalogue's correction): the course's weights are loaded into the student's AlexNet (by layer
# kind and the order the layers run, public/fixtures/seeded_layers.py) and each layer's output is
# compared, naming the first that differs. An "avgpool" layer (torchvision's) is an identity at
# 224 x 224: the module then runs one layer more and only its output is compared.
EXERCISE = Exercise(
    "u5.6.q2", "Shapes through AlexNet", ["AlexNet", "layer_shapes"],
    checks=[
        output("shapes after every layer of AlexNet, and its parameters", "layer_shapes", alexnet_shape_inputs,
               weight=4, transforms=SHAPES, case_seconds=30),
        output("shapes in another network", "layer_shapes", other_network_inputs, weight=1.5, transforms=SHAPES),
        # hidden: the golden outputs of every layer would take 4.5 MB of the release
        hidden_only(layers("layer by layer with the course's weights", "AlexNet", weight_inputs, scale=10,
                           case_seconds=30)),
        raises("a picture without a batch axis raises", "AlexNet", unbatched_inputs, ["RuntimeError", "ValueError"],
               weight=0.5),
    ],
    mistakes=[
        mistake("pools_2x2", fails=["layer by layer with the course's weights"], says="features.2"),
        mistake("padding_1_in_the_first_convolution",
                fails=["shapes after every layer of AlexNet, and its parameters", "layer by layer with the course's weights"],
                says="features.0"),
        mistake("no_flatten_entry", fails=["shapes after every layer of AlexNet, and its parameters", "shapes in another network"],
                says="flatten"),
        mistake("shapes_typed_in_for_alexnet", fails=["shapes in another network"], says="layer_shapes"),
        mistake("flattens_with_view", fails=["a picture without a batch axis raises"], says="should raise"),
    ],
)
