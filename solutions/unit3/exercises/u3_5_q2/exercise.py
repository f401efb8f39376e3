"""u3.5.q2: The same with normalisation layers."""

from autograder.exercises import Call, Exercise, fixture, kept, mistake, output, sequence


def bn_mlp_case(d, depth: int, width: int, n: int, stats: bool = False):
    """build_bn_mlp(depth, width) with its Linear layers re-drawn from a fixed seed in network
    order (so the order in which they were created does not matter), then the model in eval
    mode (with the buffers' initial values: nn.BatchNorm1d and the BN class of u3.5.q4 update
    running_var differently, so no train-mode pass comes first), with `stats`
    activation_stats in eval mode, and the model on a train-mode batch."""
    what = f"build_bn_mlp({depth}, {width})"
    x = d.randn(n, 2) * 1.5
    calls = [Call((depth, width), keep_as="built", quiet=True, label=what),
             fixture("relu_networks.reseed_linear_layers", kept("built", "the model"), keep_as="model",
                     label=f"{what} with seeded weights"),
             Call(target="$model.eval", quiet=True, label="switching the model to eval mode"),
             Call((x,), target="$model", label=f"{what} in eval mode on {n} points")]
    if stats:
        calls.append(Call((kept("model", "the model"), x), target="activation_stats",
                          label=f"activation_stats of {what} in eval mode"))
    calls += [Call(target="$model.train", quiet=True, label="switching the model to train mode"),
              Call((x,), target="$model", label=f"{what} on a train-mode batch of {n} points")]
    return sequence(*calls, label=f"{what} on {n} points")


def bn_mlp_inputs(d):
    return [bn_mlp_case(d, 6, 16, 200), bn_mlp_case(d, 2, 5, 30), bn_mlp_case(d, 1, 3, 8)]


def bn_mlp_stats_inputs(d):
    return [bn_mlp_case(d, 6, 16, 200, stats=True)]


EXERCISE = Exercise(
    "u3.5.q2", "The same with normalisation layers", ["build_bn_mlp", "activation_stats"],
    manual="the comparison of the statistics with and without normalisation (u3.5.q1)",
    checks=[
        output("network outputs in train and eval mode", "build_bn_mlp", bn_mlp_inputs, weight=5),
        output("activation statistics in eval mode", "build_bn_mlp", bn_mlp_stats_inputs, weight=2),
    ],
    mistakes=[
        mistake("normalises_after_the_relu",
                fails=["network outputs in train and eval mode", "activation statistics in eval mode"],
                says="values differ"),
        mistake("no_sigmoid_at_the_end", fails=["network outputs in train and eval mode"], says="in eval mode on"),
        mistake("one_block_too_many", fails=["network outputs in train and eval mode"], says="in eval mode on"),
    ],
)

