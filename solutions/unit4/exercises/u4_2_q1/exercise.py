"""u4.2.q1: Overfitting and early stopping on Fashion-MNIST."""

import math

import torch

from autograder.exercises import (
    Call, Case, Exercise, accuracy, answer, case, fixture, hidden_only, kept, mistake, output, prop, raises,
    sequence, using,
)
from autograder_units.unit4.common import held_out, scores_of

# What the checks hand to split_val_test is built where the code runs (public/fixtures/picture_sets.py):
# torchvision's FashionMNIST test split, or a small labelled set drawn from a seed; the judge reads
# back the indices each returned Subset holds and judges the split (public/data_splits.py).
TEST_SET = ("picture_sets.fashion_set", (False,), "torchvision's FashionMNIST test split (10,000 pictures)")


def data_step(d, source) -> Call:
    ref, args, what = source
    return fixture(ref, *args, keep_as="data", label=what)


def small_set(d, n: int = 250):
    seed = d.child_seed()
    return ("picture_sets.labelled_pictures", (seed, n), f"a data set of {n} labelled pictures")


def split_case(d, source, total: int, args: tuple, sizes: tuple[int, int]) -> Case:
    call_text = ", ".join(["dataset", *map(repr, args)])
    what = f"split_val_test({call_text}) on {source[2]}"
    return Case((data_step(d, source),
                 Call((kept("data", source[2]), *args), keep_as="parts", quiet=True, label=what),
                 using("picture_sets.part_indices", kept("parts"), kept("data"),
                       label=f"the indices of the two parts of {what}")),
                label=what, held=torch.tensor([total, *sizes]))


def split_inputs(d):
    seed = d.py.randrange(1, 1000)
    return [split_case(d, TEST_SET, 10_000, (), (8000, 2000)),
            split_case(d, TEST_SET, 10_000, (0.5, seed), (5000, 5000)),
            split_case(d, small_set(d), 250, (0.6, seed), (150, 100))]


def seed_inputs(d):
    source = small_set(d)
    seed = d.py.randrange(1, 1000)
    steps = [data_step(d, source)]
    for name, s in (("first", seed), ("again", seed), ("other", seed + 1)):
        steps += [Call((kept("data", source[2]), 0.8, s), keep_as=name, quiet=True,
                       label=f"split_val_test(dataset, 0.8, {s})"),
                  using("picture_sets.part_indices", kept(name), kept("data"),
                        label=f"the indices of split_val_test(dataset, 0.8, {s})")]
    return [Case(tuple(steps), label=f"split_val_test on {source[2]} with the seeds {seed}, {seed} and {seed + 1}")]


def curve(d, n: int) -> list[float]:
    """A noisy U-shaped validation curve of `n` epochs, rounded so that some values repeat."""
    bottom = d.py.randrange(n)
    return [round(1.0 + 0.02 * (i - bottom) ** 2 + d.py.uniform(-0.05, 0.05), 1) for i in range(n)]


def curves(d):
    return [case([1.0, 0.8, 0.6, 0.5], label="a strictly decreasing curve [1.0, 0.8, 0.6, 0.5]"),
            case([0.9, 0.5, 0.7, 0.5], label="a curve whose minimum 0.5 comes twice, [0.9, 0.5, 0.7, 0.5]"),
            case([0.42], label="a curve of one epoch, [0.42]"),
            case([0.3, 0.4, 0.5], label="a rising curve [0.3, 0.4, 0.5]"),
            case(curve(d, 20)), case(curve(d, 7))]


def nan_curves(d):
    return [case([0.9, math.nan, 0.5]), case([math.nan, 0.3, 0.4]), case([0.5, 0.4, math.nan])]


def early_stopping(d):
    count, epochs = (5000, 2) if d.quick else (20_000, 4)
    pictures, labels = held_out(d)
    seed = d.child_seed()
    what = (f"your network trained by the grader (Adam lr 1e-3, batches of 128, {epochs} epochs on {count:,} "
            f"training pictures, the epoch of lowest validation loss kept)")
    return [Case((Call(keep_as="model", quiet=True, label="build_overfitting_mlp()"),
                  fixture("trainers.early_stopped", kept("model", "your network"), count, epochs, seed,
                          keep_as="trained", label=what),
                  scores_of("trained", pictures, "the trained network")),
                 label=f"{what}, scored on 2,000 held-out test pictures (brightness x0.9-1.1, noise 0.05)",
                 held=labels)]


# Calibration of "early-stopped accuracy" (`autograder calibrate unit4 u4.2.q1 --seeds 10`: the
# reference's 784-256-256-10 network, Adam lr 1e-3, batch 128, 4 epochs on 20,000 training pictures,
# the epoch of lowest loss on 2,000 validation pictures kept, 2,000 perturbed held-out pictures):
#   0.835 +- 0.012 (0.817 .. 0.854) on this 2-core machine. Full marks from 0.80 (about 3 standard deviations
#   under the mean: room for another start or architecture), nothing at 0.70 or less (an untrained network
#   gets about 0.1; a linear model, which is not what the exercise asks for, reaches about 0.80 here).
#   Quick budget (the test suite: 2 epochs on 5,000 pictures), 10 seeds: 0.754 +- 0.027 (0.703 .. 0.787); full
#   marks from 0.67, nothing at 0.52 (the calibration's suggestion).
EXERCISE = Exercise(
    "u4.2.q1", "Overfitting and early stopping", ["split_val_test", "best_epoch", "build_overfitting_mlp",
                                                  "ans_u4_2_q1e"],
    checks=[
        prop("the split", "split_val_test", split_inputs, "split_facts", weight=2),
        prop("the seed decides the split", "split_val_test", seed_inputs, "same_seed_same_draw", weight=1,
             steps=[2, 4, 6]),
        output("best epoch", "best_epoch", curves, weight=2),
        raises("a NaN in the curve", "best_epoch", nan_curves, ["ValueError"], weight=1),
        hidden_only(accuracy("early-stopped accuracy", "build_overfitting_mlp", early_stopping, weight=3,
                             full_at=0.80, zero_at=0.70, quick=(0.67, 0.52),
                             predictions="scores", what="perturbed held-out test pictures", case_seconds=240)),
        answer("why the test error is higher", "ans_u4_2_q1e", weight=1, choices="ABCD"),
    ],
    mistakes=[
        mistake("no_shuffling", fails=["the seed decides the split"], says="different seeds gave the same items"),
        mistake("ignores_the_seed", fails=["the seed decides the split"], says="different seeds gave the same items"),
        mistake("parts_swapped", fails=["the split"], says="holds 2000 items, expected 8000"),
        mistake("two_independent_samples", fails=["the split"], says="share indices"),
        mistake("argmax_instead_of_argmin", fails=["best epoch"], says="a strictly decreasing curve"),
        mistake("one_based_epochs", fails=["best epoch"], says="expected 3"),
        mistake("the_last_of_equal_losses", fails=["best epoch"], says="whose minimum 0.5 comes twice"),
        mistake("argmin_lets_nan_through", fails=["a NaN in the curve"], says="ValueError"),
        mistake("forgets_to_return_the_network", fails=["early-stopped accuracy"], says="is a NoneType, not an nn.Module"),
        mistake("blames_harder_pictures", fails=["why the test error is higher"], says="is not the right choice"),
    ],
)
