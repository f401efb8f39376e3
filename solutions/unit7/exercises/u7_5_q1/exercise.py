"""u7.5.q1: ContextRNNCell."""

import torch

from autograder.exercises import Call, Case, Exercise, fixture, grad, kept, mistake, output, raises, using
from autograder_units.unit7.common import TRANSLATION, uniform

# The catalogue fixes the layers' names (input_linear, hidden_linear, context_linear, each with a
# bias), so the course's weights are copied in by name (translation.load_named). Inputs and
# weights stay at unit scale: in float32 tanh returns exactly 1.0 from about 9 on (verified note).
SIZES = [(3, 5, None), (4, 6, 7), (8, 3, 2)]   # (E, H, C); None: the default context_dim = H


def made(sizes) -> tuple[Call, str]:
    embed, hidden, context = sizes
    what = f"ContextRNNCell({embed}, {hidden})" if context is None else f"ContextRNNCell({embed}, {hidden}, {context})"
    args = (embed, hidden) if context is None else (embed, hidden, context)
    return Call(args, keep_as="made", quiet=True, label=what), what


def weights_for(d, sizes) -> dict[str, torch.Tensor]:
    embed, hidden, context = sizes
    context = hidden if context is None else context
    bound = hidden ** -0.5
    return {f"{name}_linear.{part}": uniform(d, (hidden, width) if part == "weight" else (hidden,), bound)
            for name, width in (("input", embed), ("hidden", hidden), ("context", context))
            for part in ("weight", "bias")}


def cell_steps(d, sizes) -> tuple[tuple[Call, ...], str]:
    call, what = made(sizes)
    return (call, fixture(f"{TRANSLATION}.load_named", kept("made", what), weights_for(d, sizes), keep_as="cell",
                          label=f"the course's weights copied into {what}")), what


def inputs_for(d, sizes, batch: int | None, dtype=torch.float32):
    embed, hidden, context = sizes
    context = hidden if context is None else context
    shape = () if batch is None else (batch,)
    return (d.randn(*shape, embed, dtype=dtype), torch.tanh(d.randn(*shape, hidden, dtype=dtype)),
            d.randn(*shape, context, dtype=dtype))


def output_inputs(d):
    cases = []
    for sizes in SIZES:
        steps, what = cell_steps(d, sizes)
        calls = [Call(inputs_for(d, sizes, batch), target="$cell",
                      label=f"{what} on " + ("single vectors x, h, c" if batch is None else f"a batch of {batch}"))
                 for batch in (None, 1, 6)]
        cases.append(Case((*steps, *calls), label=f"{what} with the course's weights"))
    return cases


def grad_inputs(d):
    cases = []
    for sizes, batch in zip(SIZES, (None, 4, 2)):
        steps, what = cell_steps(d, sizes)
        label = f"the gradients of {what} with the course's weights, " + (
            "single vectors" if batch is None else f"a batch of {batch}")
        cases.append(Case((*steps, Call(inputs_for(d, sizes, batch), target="$cell",
                                        upstream=d.randn(*(() if batch is None else (batch,)), sizes[1]),
                                        label=label)), label=label))
    return cases


def count_inputs(d):
    cases = []
    for sizes in SIZES + [(d.py.randint(1, 40), d.py.randint(1, 40), d.py.randint(1, 40))]:
        call, what = made(sizes)
        cases.append(Case((call, using("autograder.fixtures.modules.parameter_count", kept("made", what),
                                       label=f"the number of parameters of {what}")), label=what))
    return cases


def bad_inputs(d):
    steps, what = cell_steps(d, (4, 6, 7))
    return [Case((*steps, Call((d.randn(5), d.randn(6), d.randn(7)), target="$cell",
                               label=f"{what} on an input x of 5 values")), label="an input x of the wrong size"),
            Case((*steps, Call((d.randn(4), d.randn(6), d.randn(3)), target="$cell",
                               label=f"{what} on a context c of 3 values")), label="a context c of the wrong size")]


EXERCISE = Exercise(
    "u7.5.q1", "ContextRNNCell", ["ContextRNNCell"],
    checks=[
        output("new state with the course's weights", "ContextRNNCell", output_inputs, weight=4),
        grad("gradients", "ContextRNNCell", grad_inputs, wrt_args=[0, 1, 2], wrt_params=True, weight=3),
        output("parameter count", "ContextRNNCell", count_inputs, weight=2),
        raises("mismatched sizes", "ContextRNNCell", bad_inputs, ["RuntimeError", "ValueError"], weight=1),
    ],
    mistakes=[
        mistake("forgets_the_context", fails=["new state with the course's weights", "gradients"],
                says="values differ"),
        mistake("relu_instead_of_tanh", fails=["new state with the course's weights", "gradients"], says="differ"),
        mistake("context_layer_sized_by_the_hidden_state",
                fails=["new state with the course's weights", "gradients", "parameter count"], says="shape"),
        mistake("no_bias_in_the_context_layer", fails=["new state with the course's weights", "gradients",
                                                       "parameter count"], says="context_linear.bias"),
    ],
)
