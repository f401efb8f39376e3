"""u7.5.q3: Inference mode of the attention decoder."""

import torch

from autograder.exercises import Call, Case, Exercise, fixture, kept, mistake, output, prop, using
from autograder_units.unit7.common import END, START, TRANSLATION, attention_decoder_weights, ending_midway

# The judge's attention decoder (translation.attention_decoder): the course's interface, its
# context cell tanh(W [x; h; c] + b) (a ContextRNNCell in another layout), weights it drew. The
# corrections: a decoder that never stops is caught only with weights that force <END>, attention
# computed after the cell update only by the uniform first row; both are here.


def decoding(d, vocab, embed, hidden, rows, max_len, end_bias=0.0, what="", midway=False) -> Case:
    weights = attention_decoder_weights(d, vocab, embed, hidden, end_bias)
    annotations = torch.tanh(d.randn(rows, hidden) * 1.5)
    if midway:
        weights = ending_midway(weights, None, max_len, attention=annotations)
    label = (f"greedy_decode_attn with the grader's decoder (vocabulary {vocab}, H = {hidden}){what}, "
             f"{rows} annotations, max_len {max_len}")
    return Case((fixture(f"{TRANSLATION}.attention_decoder", weights, keep_as="decoder", label="the grader's decoder"),
                 Call((kept("decoder", "the grader's decoder"), annotations, START, END, max_len), label=label)),
                label=label, held=torch.tensor([rows]))


def decoding_inputs(d):
    return [decoding(d, 12, 5, 7, 4, 10, midway=True), decoding(d, 30, 8, 16, 9, 15, midway=True),
            decoding(d, 6, 4, 6, 1, 8), decoding(d, 20, 6, 12, 6, 12, midway=True), decoding(d, 9, 3, 5, 13, 6)]


def stop_inputs(d):
    return [decoding(d, 12, 5, 7, 5, 10, end_bias=50.0, what=" that predicts <END> first"),
            decoding(d, 12, 5, 7, 3, 1, end_bias=-50.0, what=" that never predicts <END>"),
            decoding(d, 10, 4, 6, 7, 6, end_bias=-50.0, what=" that never predicts <END>")]


def clean_inputs(d):
    annotations = torch.tanh(d.randn(5, 8))
    args = (kept("decoder", "the grader's decoder"), annotations, START, END, 7)
    return [Case((fixture(f"{TRANSLATION}.attention_decoder", attention_decoder_weights(d, 15, 6, 8), keep_as="decoder",
                          label="the grader's decoder"),
                  fixture(f"{TRANSLATION}.snapshot", kept("decoder"), keep_as="before", label="the decoder's parameters"),
                  Call(args, keep_as="first", label="a first call"),
                  Call(args, label="a second call with the same arguments"),
                  using(f"{TRANSLATION}.tracks_gradients", kept("first"),
                        label="whether the returned weights are tracked by autograd (decode under torch.no_grad())"),
                  using(f"{TRANSLATION}.unchanged", kept("decoder"), kept("before"),
                        label="whether the decoder's parameters are unchanged after the calls")),
                 label="two calls of greedy_decode_attn with the grader's decoder")]


EXERCISE = Exercise(
    "u7.5.q3", "Inference mode of the attention decoder", ["greedy_decode_attn"],
    uses={"dot_attention": "u7.5.q2"},
    checks=[
        output("ids and attention weights", "greedy_decode_attn", decoding_inputs, weight=4),
        prop("one row per token, the first uniform", "greedy_decode_attn", decoding_inputs, "attention_rows", weight=2),
        output("stops at <END> or after max_len", "greedy_decode_attn", stop_inputs, weight=2),
        output("no gradients, decoder unchanged", "greedy_decode_attn", clean_inputs, weight=2),
    ],
    mistakes=[
        mistake("attention_after_the_update", fails=["ids and attention weights", "one row per token, the first uniform"],
                says="uniform"),
        mistake("starts_from_the_mean_annotation", fails=["ids and attention weights",
                                                          "one row per token, the first uniform"], says="uniform"),
        mistake("no_row_for_the_end_token", fails=["ids and attention weights", "one row per token, the first uniform",
                                                   "stops at <END> or after max_len"], says="one row per generated token"),
        mistake("never_stops", fails=["ids and attention weights", "stops at <END> or after max_len"],
                says="predicts <END> first"),
        mistake("tracks_gradients", fails=["no gradients, decoder unchanged"], says="tracked by autograd"),
    ],
)
