"""u5.7.q1: Why a residual block defaults to the identity."""

from autograder.exercises import Call, Exercise, answer, fixture, kept, layers, mistake, output, sequence, using
from autograder_units.unit5.common import dims


def block_case(d, block: str, size: int, x_shape, train: bool):
    mode = "train" if train else "eval"
    made = f"{block}({size})"
    return sequence(Call((size,), target=block, keep_as="block", quiet=True, label=made),
                    using("seeded_layers.report", kept("block"), d.randn(*x_shape), d.py.randrange(10_000), train, False,
                          label=f"each weight layer's output and the block's output for x of shape {dims(x_shape)} in "
                                f"{mode} mode, with the course's weights loaded into your {made}"),
                    label=f"{made} on x of shape {dims(x_shape)} in {mode} mode")


def conv_train(d):
    return [block_case(d, "ResBlockConv", 1, (3, 1, 6, 7), True), block_case(d, "ResBlockConv", 4, (2, 4, 5, 5), True)]


def conv_eval(d):
    return [block_case(d, "ResBlockConv", 3, (2, 3, 6, 4), False)]


def down_inputs(d):
    return [block_case(d, "ResBlockDownSamp", 2, (3, 2, 8, 6), True),
            block_case(d, "ResBlockDownSamp", 3, (2, 3, 7, 9), True),
            block_case(d, "ResBlockDownSamp", 2, (2, 2, 7, 9), False)]


def mlp_inputs(d):
    return [block_case(d, "ResBlockMLP", 5, (8, 5), True), block_case(d, "ResBlockMLP", 3, (4, 3), False)]


def identity_inputs(d):
    cases = []
    for channels, shape in ((3, (2, 3, 5, 6)), (1, (4, 1, 4, 4))):
        made = f"ResBlockConv({channels})"
        x = d.randn(*shape)
        cases.append(sequence(
            Call((channels,), target="ResBlockConv", keep_as="block", quiet=True, label=made),
            fixture("residual_blocks.with_random_batchnorms", kept("block"), d.py.randrange(10_000), keep_as="random",
                    label=f"{made} with random BatchNorm parameters and running statistics"),
            Call((kept("random", made),), keep_as="returned", quiet=True, label=f"make_identity_({made})"),
            using("residual_blocks.is_same_object", kept("returned"), kept("random"),
                  label=f"whether make_identity_({made}) returned the block itself"),
            Call(target="$random.train", quiet=True, label="switching the block to train mode"),
            Call((x,), target="$random", label=f"the block after make_identity_, in train mode, on x {dims(shape)}"),
            Call(target="$random.eval", quiet=True, label="switching the block to eval mode"),
            Call((x,), target="$random", label=f"the block after make_identity_, in eval mode, on x {dims(shape)}"),
            label=f"make_identity_ on {made} with random BatchNorm statistics"))
    return cases


# The course's weights are loaded by layer kind and order of execution
# (public/fixtures/seeded_layers.py), so any order of definition passes; BatchNorm scales and
# running statistics are random too. Only the layers with parameters and the block's output are
# compared (ReLU as a module or a function alike). The verified note: zeroing the last
# BatchNorm2d's gamma and beta gives block(X) == relu(X) exactly, in train and eval mode;
# ResBlockDownSamp gives ceil(H/2) x ceil(W/2) for odd sizes (7 x 9 -> 4 x 5).
EXERCISE = Exercise(
    "u5.7.q1", "Why a residual block defaults to the identity",
    ["ResBlockMLP", "ResBlockConv", "ResBlockDownSamp", "make_identity_", "ans_u5_7_q1"],
    checks=[
        layers("ResBlockConv in train mode", "ResBlockConv", conv_train, weight=2),
        layers("ResBlockConv in eval mode", "ResBlockConv", conv_eval, weight=1),
        layers("ResBlockDownSamp", "ResBlockDownSamp", down_inputs, weight=2),
        layers("ResBlockMLP", "ResBlockMLP", mlp_inputs, weight=2),
        output("make_identity_ makes the block ReLU(X)", "make_identity_", identity_inputs, weight=2),
        answer("why the identity", "ans_u5_7_q1", weight=1, choices="ABCD"),
    ],
    mistakes=[
        mistake("convolutions_with_bias", fails=["ResBlockConv in train mode", "ResBlockConv in eval mode"],
                says="first differs after layer"),
        mistake("relu_before_the_addition", fails=["ResBlockConv in train mode", "ResBlockConv in eval mode"],
                says="after layer `the whole module`"),
        mistake("batchnorm_on_the_shortcut", fails=["ResBlockDownSamp"], says="layers where the course's"),
        mistake("mlp_without_the_skip", fails=["ResBlockMLP"], says="after layer `the whole module`"),
        mistake("zeroes_the_first_batchnorm", fails=["make_identity_ makes the block ReLU(X)"], says="values differ"),
        mistake("returns_nothing", fails=["make_identity_ makes the block ReLU(X)"], says="returned the block itself"),
    ],
)
