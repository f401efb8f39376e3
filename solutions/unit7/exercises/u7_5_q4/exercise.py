"""u7.5.q4: Counting attention calls and dot products."""

import torch

from autograder.exercises import Call, Case, CheckSpec, Exercise, case, fixture, kept, mistake, output
from autograder.checks.properties import PropertyRule
from autograder.protocol.messages import Observe
from autograder_units.unit7.common import END, START, TRANSLATION, attention_decoder_weights

# The answer is checked twice: against the course's (T2, T1 T2), and against the student's own
# decoder. The judge runs the student's greedy_decode_attn (u7.5.q3) on T1 annotations with a
# decoder that never predicts <END> (so T2 = max_len tokens are generated), counting its calls
# of the notebook's dot_attention while it runs (Observe(count_calls=...): the worker wraps the
# name for the call), and compares the counts that run shows with attention_counts(T1, T2). Hence
# greedy_decode_attn is among its artifacts too (a step may only call those); a mistake in it is
# u7.5.q3's (uses: graded again with the course's decoder in its place).


def count_inputs(d):
    sizes = [(5, 7), (1, 1), (12, 3), (d.py.randint(2, 30), d.py.randint(1, 30))]
    return [case(t1, t2, label=f"T1 = {t1} source tokens (with <END>), T2 = {t2} generated tokens") for t1, t2 in sizes]


def decoder_inputs(d):
    cases = []
    for rows, max_len in ((6, 5), (3, 9)):
        weights = attention_decoder_weights(d, 10, 4, 6, end_bias=-50.0)
        annotations = torch.tanh(d.randn(rows, 6))
        cases.append(Case((fixture(f"{TRANSLATION}.attention_decoder", weights, keep_as="decoder",
                                   label="the grader's decoder, which never predicts <END>"),
                           Call((rows, max_len), label=f"attention_counts({rows}, {max_len})"),
                           Call((kept("decoder"), annotations, START, END, max_len), target="greedy_decode_attn",
                                label=f"greedy_decode_attn on {rows} annotations with max_len {max_len}, counting its "
                                      "calls of dot_attention")),
                          label=f"your decoder on {rows} annotations, generating {max_len} tokens",
                          held=torch.tensor([rows, max_len])))
    return cases


COUNTED = CheckSpec("agrees with your decoder", "attention_counts", PropertyRule(name="counts_match_the_decoder"),
                    decoder_inputs, 3, observe=Observe(count_calls=["dot_attention"]))

EXERCISE = Exercise(
    "u7.5.q4", "Counting attention calls and dot products", ["attention_counts", "greedy_decode_attn"],
    uses={"greedy_decode_attn": "u7.5.q3", "dot_attention": "u7.5.q2"},
    checks=[
        output("the two counts", "attention_counts", count_inputs, weight=7, transforms={"": "plain_numbers"}),
        COUNTED,
    ],
    mistakes=[
        mistake("counts_the_start_token", fails=["the two counts", "agrees with your decoder"], says="gave"),
        mistake("leaves_out_the_end_annotation", fails=["the two counts", "agrees with your decoder"],
                says="query-key pairs"),
        mistake("one_call_per_source_token", fails=["the two counts", "agrees with your decoder"],
                says="your greedy_decode_attn generated"),
    ],
)
