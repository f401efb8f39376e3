"""u7.4.q2: The shapes of W_out and b_out."""

from autograder.exercises import Exercise, case, mistake, output


def size_inputs(d):
    sizes = [(64, 100), (1, 3), (256, 44_503), (10, 10), (d.py.randint(2, 512), d.py.randint(3, 50_000))]
    return [case(hidden, vocab, label=f"hidden_dim {hidden}, tgt_vocab_size {vocab}") for hidden, vocab in sizes]


EXERCISE = Exercise(
    "u7.4.q2", "The shapes of W_out and b_out", ["output_layer_shapes"],
    checks=[output("shapes as nn.Linear stores them", "output_layer_shapes", size_inputs, weight=1,
                   transforms={"": "plain_numbers"})],
    mistakes=[
        mistake("the_weight_transposed", fails=["shapes as nn.Linear stores them"], says="expected 100 at [0][0]"),
        mistake("a_bias_per_hidden_unit", fails=["shapes as nn.Linear stores them"], says="at [1][0]"),
    ],
)
