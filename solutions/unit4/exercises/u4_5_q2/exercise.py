"""u4.5.q2: Dropout on a network that overfits, corrected and uncorrected."""

from autograder.exercises import Call, Case, Exercise, fixture, hidden_only, kept, mistake, prop, rerun, using
from autograder_units.unit4.common import held_out

# The student's networks may have any number of hidden layers: the judge asks build_dropout_mlp(None)
# first and gives one rate per hidden layer (`dropout_probe.rates_for`). The layers are found by what a
# forward pass runs through (public/fixtures/dropout_probe.py) and judged in public/dropout_judging.py.


def networks(pattern: list[float]) -> list[Call]:
    return [Call((None,), keep_as="plain", quiet=True, label="build_dropout_mlp(None)"),
            fixture("dropout_probe.rates_for", kept("plain"), pattern, keep_as="rates",
                    label=f"one rate per hidden layer, cycling through {pattern}"),
            Call((kept("rates", "the rates"),), keep_as="corrected", quiet=True, label="build_dropout_mlp(rates)"),
            Call((kept("rates", "the rates"),), {"corrected": False}, keep_as="uncorrected", quiet=True,
                 label="build_dropout_mlp(rates, corrected=False)")]


def builder_inputs(d):
    return [Case((*networks([0.2, 0.6]),
                  using("dropout_probe.builder_facts", kept("plain"), kept("corrected"), kept("uncorrected"),
                        kept("rates"), d.child_seed(),
                        label="the layers a forward pass runs through in the three networks, and what they do")),
                 label="build_dropout_mlp with None, and with one rate per hidden layer from 0.2, 0.6, ... (corrected "
                       "and not), on 200 random pictures")]


def comparison_inputs(d):
    count, epochs, seeds = (2000, 8, 1) if d.quick else (2000, 8, 2)
    pictures, labels = held_out(d)
    what = (f"the three networks (rates 0.5) trained by the grader with Adam (lr 1e-3, batches of 128) for {epochs} "
            f"epochs on {count:,} training pictures, {seeds} seed{'s' if seeds > 1 else ''}")
    return [Case((*networks([0.5]),
                  using("trainers.dropout_variants", kept("plain"), kept("corrected"), kept("uncorrected"), count,
                        epochs, [d.child_seed() for _ in range(seeds)], pictures, label=what)),
                 label=f"{what}, scored on 2,000 held-out test pictures (brightness x0.9-1.1, noise 0.05)", held=labels)]


# Calibration of "three networks trained by the grader" (`autograder calibrate unit4 u4.5.q2 --seeds 10`,
# the reference's 784-512-512-10 networks with the text's DropoutFinal, 2 seeds of 8 epochs on 2,000
# pictures per grading seed):
#   test cross-entropy of the uncorrected network over the corrected one's: 1.99 +- 0.09 (1.82 .. 2.12), every
#   criterion held in 10/10 grading seeds. The margins of the three criteria, over 8 more grading seeds with the
#   grader's fixture: gap without dropout minus gap with corrected dropout 0.032 +- 0.009 (0.021 .. 0.045), must
#   be > 0; accuracy lost to corrected dropout 0.027 +- 0.010 (0.012 .. 0.041), at most 0.07 (4 standard
#   deviations above the mean); cross-entropy ratio 2.00 +- 0.13 (1.76 .. 2.19), at least 1.5.
# The catalogue's 1.5x cross-entropy bar held only at its full budget (20 epochs on 5,000 pictures); this
# shortened budget keeps it with a wide margin, while its 1-point accuracy test does not hold here (dropout
# still costs a few points after 8 epochs on 2,000 pictures), hence 7 points, calibrated. The catalogue's
# budget in the notebook (20 epochs on 5,000 pictures, one seed): none 0.849, corrected 0.843, uncorrected
# 0.838 on the 2,000 test pictures, cross-entropy 0.478, 0.424, 1.012.
# Quick budget (the test suite: one seed of the same training), 10 grading seeds: gap without dropout minus gap
#   with corrected dropout 0.035 +- 0.009 (0.026 .. 0.051), accuracy lost to dropout 0.024 +- 0.013 (0.006 ..
#   0.048), cross-entropy ratio 1.99 +- 0.15 (1.78 .. 2.21). (With one seed of 8 epochs on 1,000 pictures the
#   accuracy lost reached 6.1 points: too little data for the bar.)
# The catalogue's "uncorrected has the lowest accuracy" is false in practice (verified note: the
# uncorrected network's accuracy hardly moves, its cross-entropy does) and is not used.
EXERCISE = Exercise(
    "u4.5.q2", "Dropout on a network that overfits", ["build_dropout_mlp", "ans_u4_5_q2"],
    manual="the discussion of the three networks",
    checks=[
        prop("the layers of the three networks", "build_dropout_mlp", builder_inputs, "dropout_builder", weight=4,
             case_seconds=30),
        hidden_only(prop("three networks trained by the grader", "build_dropout_mlp", comparison_inputs,
                         "dropout_comparison", weight=5, case_seconds=240, accuracy_drop=0.07, ce_ratio=1.5)),
        rerun("the reported accuracies", "ans_u4_5_q2", "within_bands", weight=1,
              lookups=["none", "corrected", "uncorrected"], keys=["none", "corrected", "uncorrected"],
              bands=[[0.6, 0.95]] * 3, what="the test accuracy for"),
    ],
    mistakes=[
        mistake("dropout_after_the_output_layer", fails=["the layers of the three networks"], says="none after the last"),
        mistake("dropout_on_the_input", fails=["the layers of the three networks"], says="none before the first"),
        mistake("always_corrected", fails=["the layers of the three networks", "three networks trained by the grader"],
                says="the uncorrected layer multiplies by the mask alone"),
        mistake("functional_dropout", fails=["the layers of the three networks"], says="has no dropout layer"),
        mistake("rates_in_reverse_order", fails=["the layers of the three networks"], says="one rate per hidden layer"),
        mistake("percentages", fails=["the reported accuracies"], says="outside the range"),
    ],
)
