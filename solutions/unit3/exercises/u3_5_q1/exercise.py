"""u3.5.q1: Activation statistics layer by layer."""

import torch

from autograder.exercises import Call, Exercise, accuracy, fixture, kept, mistake, output, sequence, trained
from autograder_units.unit3.common import moons

# the grader's networks are in public/fixtures/relu_networks.py


def stats_case(d, depth: int, width: int, n: int, train_mode: bool = True, after: bool = False):
    where = "train" if train_mode else "eval"
    model = f"a seeded Linear/ReLU net of depth {depth}, width {width}, in {where} mode"
    x = d.randn(n, 2)
    build = "relu_networks.relu_net" if train_mode else "relu_networks.relu_net_in_eval_mode"
    calls = [fixture(build, depth, width, keep_as="model", label=model),
             Call((kept("model", "the model"), x), label=f"{model}, and {n} standardised points")]
    if after:
        calls += [Call(target="$model.training", read_only=True, label=f"model.training after the call ({model})"),
                  Call(target="$model.state_dict", label=f"the model's state_dict() after the call ({model})")]
    return sequence(*calls, label=f"{model}, and {n} standardised points")


def stats_inputs(d):
    return [stats_case(d, 6, 16, 200), stats_case(d, 3, 8, 50), stats_case(d, 6, 16, 200, train_mode=False),
            stats_case(d, 1, 4, 2)]


def stats_model_inputs(d):
    return [stats_case(d, 6, 16, 100, after=True), stats_case(d, 6, 16, 100, train_mode=False, after=True)]


def held_out_moons(d):
    X, Y = moons(d, 200)
    T, L = moons(d, 1000)
    return [trained(X, Y.to(torch.float32), inputs=T, labels=L,
                    label="200 fresh training points, scored on 1,000 held-out points (noise 0.1)")]


# Calibration (`autograder calibrate unit3 u3.5.q1 --seeds 10`: the reference, depth 6, width 16,
# default initialisation, full-batch Adam lr 0.01, 1,000 steps, over 10 seeds, each with its own
# training and held-out moons):
#   0.9979 +- 0.0017 (0.994 .. 1.000); suggested full_at 0.99, zero_at 0.84. Full marks from 0.97
#   (the catalogue; room for other depths, widths and budgets: the suggested 0.99 would reject
#   honest variants), nothing at 0.92 or less: a network without ReLU is a straight line, which
#   reaches 0.874 .. 0.886 on these moons (u2.9.q4's calibration) and 0.892 in the worst run
#   seen, so it earns nothing.
EXERCISE = Exercise(
    "u3.5.q1", "Activation statistics layer by layer", ["activation_stats", "train_moons_deep"],
    manual="the box plots of the statistics per layer and their interpretation (part d)",
    checks=[
        output("statistics per ReLU", "activation_stats", stats_inputs, weight=5),
        output("model left as it was", "activation_stats", stats_model_inputs, weight=2),
        accuracy("deep net on held-out moons", "train_moons_deep", held_out_moons, weight=3,
                 full_at=0.97, zero_at=0.92),
    ],
    mistakes=[
        mistake("the_1_n_standard_deviation", fails=["statistics per ReLU"], says="values differ"),
        mistake("statistics_of_the_linear_outputs", fails=["statistics per ReLU"], says="a list of length"),
        mistake("statistics_over_the_neurons", fails=["statistics per ReLU"], says="expected shape (16,)"),
        mistake("switches_the_model_to_eval_mode", fails=["model left as it was"],
                says="model.training after the call"),
        mistake("no_relu_between_the_layers", fails=["deep net on held-out moons"], says="full marks from 97%"),
        mistake("scores_instead_of_probabilities", fails=["deep net on held-out moons"],
                says="expected probabilities between 0 and 1"),
    ],
)

