"""u3.6.q1: Xavier initialisation and training on two moons."""

import torch

from autograder.exercises import Call, Case, Exercise, accuracy, fixture, kept, mistake, output, prop, using
from autograder_units.unit3.common import moons
from autograder_units.unit3.public.fixtures import initialisation

# What the checks hand to xavier_uniform_init_ and read back is the grader's
# (public/fixtures/initialisation.py): networks with PyTorch's default initialisation, drawn
# from the step's seed, a snapshot of the parameters before the call, what the call changed,
# and the weights and biases of every nn.Linear (in model.modules() order), which the judge
# tests for the Xavier statistics (the property xavier_uniform_layers, public/xavier_statistics.py).
SECTION_NETWORK = ("initialisation.section_network", ())
LARGE_LAYER = ("initialisation.one_linear_in_sequential", (500, 300))
NESTED_NETWORK = ("initialisation.nested_network", ())
SINGLE_LAYER = ("initialisation.one_linear", (40, 60))


def linear_shapes(network: tuple[str, tuple]) -> torch.Tensor:
    """(in_features, out_features) of every nn.Linear of a fixture network, in modules()
    order, read from a copy built on the meta device (no weights drawn)."""
    ref, args = network
    with torch.device("meta"):
        built = getattr(initialisation, ref.rpartition(".")[2])(*args)
    return torch.tensor([[m.in_features, m.out_features] for m in built.modules() if isinstance(m, torch.nn.Linear)])


def init_steps(network: tuple[str, tuple], what: str) -> list[Call]:
    ref, args = network
    return [fixture(ref, *args, keep_as="net", label=what),
            Call((kept("net", what),), keep_as="returned", quiet=True, label=f"xavier_uniform_init_({what})")]


def layers_case(network: tuple[str, tuple], what: str) -> Case:
    """The weights and biases of every nn.Linear after xavier_uniform_init_, for the judge's
    property; the judge holds the layers' shapes."""
    label = f"the weights and biases of every nn.Linear in {what}, after xavier_uniform_init_"
    read = using("initialisation.linear_layers", kept("net", what), label=label)
    return Case((*init_steps(network, what), read), label=label, held=linear_shapes(network))


def in_place_inputs(d):
    what = "the 2-10-10-1 network of section 3.6 (default initialisation)"
    steps = init_steps(SECTION_NETWORK, what)
    steps.insert(1, fixture("initialisation.parameter_snapshot", kept("net", what), keep_as="before",
                            label="the parameters before the call"))
    steps.append(using("initialisation.what_changed", kept("net", what), kept("before", "the parameters before"),
                       kept("returned", "the result"), label=f"what xavier_uniform_init_ changed in {what}"))
    return [Case(tuple(steps), label=what)]


def statistics_inputs(d):
    return [layers_case(LARGE_LAYER, "nn.Sequential(nn.Linear(500, 300))")]


def every_linear_inputs(d):
    return [layers_case(SECTION_NETWORK, "the 2-10-10-1 network of section 3.6"),
            layers_case(NESTED_NETWORK, "a network with nested modules (Linear layers inside a Sequential and a "
                                        "ModuleList)"),
            layers_case(SINGLE_LAYER, "a single nn.Linear(40, 60)")]


def xavier_moons(d):
    X, Y = moons(d, 200)
    T, L = moons(d, 1000)
    what = "the 2-10-10-1 network of section 3.6"
    return [Case((*init_steps(SECTION_NETWORK, what),
                  fixture("moons_training.adam_on_moons", kept("net", what), X, Y.to(torch.float32).unsqueeze(1),
                          keep_as="model", label="1,000 steps of full-batch Adam (lr 0.01) on the binary cross-entropy"),
                  Call((T,), target="$model", label="predictions")),
                 label=(f"{what} after xavier_uniform_init_, trained by the grader on 200 fresh points, scored on "
                        "1,000 held-out points (noise 0.1)"), held=L)]


# Calibration (`autograder calibrate unit3 u3.6.q1 --seeds 10`: the judge's network and trainer,
# full-batch Adam lr 0.01, 1,000 steps, after the reference's xavier_uniform_init_, over 10 seeds):
#   0.9974 +- 0.0015 (0.995 .. 1.000); suggested full_at 0.99, zero_at 0.84. Full marks from 0.97
#   (the catalogue; an honest draw other than the reference's must pass: 20 seeds of other
#   Xavier draws gave 0.995 .. 1.000), nothing at 0.92 or less: the constant-0.1 start trains
#   to an effectively linear model (0.863 .. 0.880 seen), which earns nothing. PyTorch's default
#   initialisation is not held to this bar (it stalls near 0.89 for about 1 seed in 10 under
#   this budget); the statistics checks tell it apart instead.
EXERCISE = Exercise(
    "u3.6.q1", "Xavier initialisation and training on two moons", ["xavier_uniform_init_"],
    manual="the comparison with the default and the constant initialisation",
    checks=[
        output("in place", "xavier_uniform_init_", in_place_inputs, weight=2),
        prop("Xavier statistics of a large layer", "xavier_uniform_init_", statistics_inputs, "xavier_uniform_layers",
             weight=3),
        prop("every Linear layer", "xavier_uniform_init_", every_linear_inputs, "xavier_uniform_layers", weight=2),
        accuracy("trains on the moons", "xavier_uniform_init_", xavier_moons, weight=3, full_at=0.97, zero_at=0.92),
    ],
    mistakes=[
        mistake("the_default_rule_s_bound_1_sqrt_k_in",
                fails=["Xavier statistics of a large layer", "every Linear layer"], says="got 'only 0.5"),
        mistake("normal_instead_of_uniform", fails=["Xavier statistics of a large layer"],
                says="at [0]['largest |w| / a']"),
        mistake("the_constant_0_1_of_the_text",
                fails=["Xavier statistics of a large layer", "every Linear layer", "trains on the moons"],
                says="full marks from 97%"),
        mistake("new_parameters_instead_of_in_place", fails=["in place"], says="same parameter objects"),
        mistake("only_the_top_level_layers", fails=["every Linear layer"], says="a network with nested modules"),
        mistake("keeps_the_default_biases", fails=["Xavier statistics of a large layer", "every Linear layer"],
                says="largest |b|"),
        mistake("returns_nothing", fails=["in place"], says="returns the model it was given"),
    ],
)
