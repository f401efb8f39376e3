"""u7.1.q1: The linear autoencoder's outputs lie on a line."""

import torch

from autograder.exercises import Call, Case, Exercise, fixture, kept, mistake, output, prop, raises
from autograder_units.unit7.common import F64, LINEAR_AE

# The judge builds the two layers where the student's code runs (public/fixtures/linear_ae.py)
# from weights it drew, in float64 as the catalogue's verified note asks: in float32 the
# residual y1 - slope y0 - intercept reached 3e-5 for steep lines. The line itself is judged
# twice: against the course's (slope, intercept), and by the decoder's outputs lying on it.


def layer_pair(d, d0: float | None = None) -> Case:
    encoder_w, encoder_b = d.randn(1, 2, dtype=F64), d.randn(1, dtype=F64)
    decoder_w, decoder_b = d.randn(2, 1, dtype=F64), d.randn(2, dtype=F64) * 3
    if d0 is not None:
        decoder_w = decoder_w.clone()
        decoder_w[0, 0] = d0
    what = f"an encoder Linear(2, 1) and a decoder Linear(1, 2) with d0 = {float(decoder_w[0, 0]):.3g} (float64)"
    steps = (fixture(f"{LINEAR_AE}.linear", encoder_w, encoder_b, keep_as="encoder", label="the encoder"),
             fixture(f"{LINEAR_AE}.linear", decoder_w, decoder_b, keep_as="decoder", label="the decoder"),
             Call((kept("encoder", "the encoder"), kept("decoder", "the decoder")), label=what))
    held = torch.cat([decoder_w[:, 0], decoder_b])
    return Case(steps, label=what, held=held)


def line_inputs(d):
    return [layer_pair(d) for _ in range(4)] + [layer_pair(d, d0) for d0 in (0.01, -0.003, 25.0)]


def vertical_inputs(d):
    return [layer_pair(d, 0.0)]


EXERCISE = Exercise(
    "u7.1.q1", "The linear autoencoder's outputs lie on a line", ["ae_output_line"],
    checks=[
        output("slope and intercept", "ae_output_line", line_inputs, weight=5, rtol=1e-6, atol=1e-9,
               transforms={"": "plain_numbers"}),
        prop("the outputs lie on the line", "ae_output_line", line_inputs, "on_the_line", weight=3),
        raises("a vertical line (d0 = 0)", "ae_output_line", vertical_inputs, ["ValueError"], weight=2),
    ],
    mistakes=[
        mistake("slope_upside_down", fails=["slope and intercept", "the outputs lie on the line"], says="expected"),
        mistake("intercept_with_the_wrong_sign", fails=["slope and intercept", "the outputs lie on the line"],
                says="do not lie on the line"),
        mistake("reads_the_encoder", fails=["slope and intercept", "the outputs lie on the line"], says="ae_output_line"),
        mistake("forgets_the_biases", fails=["slope and intercept", "the outputs lie on the line"],
                says="at [1], got 0"),
        mistake("divides_by_zero", fails=["a vertical line (d0 = 0)"], says="should raise ValueError"),
    ],
)
