"""u7.4.q3: The decoder's inference mode."""

from autograder.exercises import Call, Case, Exercise, fixture, kept, mistake, output, raises, using
from autograder_units.unit7.common import END, START, TRANSLATION, decoder_weights, ending_midway

# The judge's decoder (public/fixtures/translation.py) has the course's interface (`.embedding`,
# `.cell` with `.rnn_cell`, `.linear`, `.log_softmax`, `.hidden_state`), with weights it drew at
# PyTorch's default scales. A large bias on <END> makes it the first prediction; a very negative
# one means it never comes (the corrections: a decoder that never stops is caught only so).


def decoder_step(weights: dict, vocab: int, embed: int, hidden: int) -> Call:
    return fixture(f"{TRANSLATION}.decoder", weights, keep_as="decoder",
                   label=f"the grader's decoder (vocabulary {vocab}, E = {embed}, H = {hidden})")


def decoding(d, vocab, embed, hidden, max_len, end_bias=0.0, what="", midway=False) -> Case:
    """With `midway`, the weights are nudged (in the judge, on the course's decoding) so that
    <END> comes after 3 to max_len - 1 tokens."""
    weights, context = decoder_weights(d, vocab, embed, hidden, end_bias), d.randn(hidden) * 0.8
    if midway:
        weights = ending_midway(weights, context, max_len)
    label = f"greedy_decode with the grader's decoder (vocabulary {vocab}, H = {hidden}){what}, max_len {max_len}"
    return Case((decoder_step(weights, vocab, embed, hidden),
                 Call((kept("decoder", "the grader's decoder"), context, START, END, max_len), label=label)),
                label=label)


def greedy_inputs(d):
    return [decoding(d, 12, 5, 7, 10), decoding(d, 30, 8, 16, 15, midway=True), decoding(d, 6, 4, 6, 20, midway=True),
            decoding(d, 50, 16, 32, 8), decoding(d, 9, 3, 5, 12, midway=True)]


def stop_inputs(d):
    return [decoding(d, 12, 5, 7, 10, end_bias=50.0, what=" that predicts <END> first"),
            decoding(d, 20, 6, 8, 4, end_bias=50.0, what=" that predicts <END> first")]


def length_inputs(d):
    return [decoding(d, 12, 5, 7, max_len, end_bias=-50.0, what=" that never predicts <END>") for max_len in (1, 7)]


def clean_inputs(d):
    context = d.randn(8) * 0.8
    args = (kept("decoder", "the grader's decoder"), context, START, END, 9)
    return [Case((decoder_step(decoder_weights(d, 15, 6, 8), 15, 6, 8),
                  fixture(f"{TRANSLATION}.snapshot", kept("decoder"), keep_as="before", label="the decoder's parameters"),
                  Call(args, label="a first call"),
                  Call(args, label="a second call with the same arguments"),
                  using(f"{TRANSLATION}.unchanged", kept("decoder"), kept("before"),
                        label="whether the decoder's parameters are unchanged after the calls"),
                  using(f"{TRANSLATION}.state_requires_grad", kept("decoder"),
                        label="whether the decoder's hidden state after decoding is tracked by autograd "
                              "(decode under torch.no_grad())")),
                 label="two calls of greedy_decode with the grader's decoder")]


def bad_length_inputs(d):
    return [Case((decoder_step(decoder_weights(d, 8, 4, 5), 8, 4, 5), Call((kept("decoder"), d.randn(5), START, END, max_len),
                                                label=f"max_len = {max_len}")), label=f"max_len = {max_len}")
            for max_len in (0, -3)]


EXERCISE = Exercise(
    "u7.4.q3", "The decoder's inference mode", ["greedy_decode"],
    checks=[
        output("greedy ids", "greedy_decode", greedy_inputs, weight=4),
        output("stops at <END>", "greedy_decode", stop_inputs, weight=1.5),
        output("at most max_len tokens", "greedy_decode", length_inputs, weight=1.5),
        output("no gradients, decoder unchanged", "greedy_decode", clean_inputs, weight=2),
        raises("max_len < 1", "greedy_decode", bad_length_inputs, ["ValueError"], weight=1),
    ],
    mistakes=[
        mistake("never_stops", fails=["greedy ids", "stops at <END>"], says="that predicts <END> first"),
        mistake("the_start_token_counts_towards_max_len", fails=["greedy ids", "at most max_len tokens"],
                says="never predicts <END>"),
        mistake("feeds_the_start_token_every_step", fails=["greedy ids"], says="expected"),
        mistake("tracks_gradients", fails=["no gradients, decoder unchanged"], says="tracked by autograd"),
        mistake("tensors_instead_of_ints", fails=["greedy ids", "stops at <END>", "at most max_len tokens",
                                                  "no gradients, decoder unchanged"], says="tensor"),
        mistake("no_check_of_max_len", fails=["max_len < 1"], says="should raise ValueError"),
    ],
)
