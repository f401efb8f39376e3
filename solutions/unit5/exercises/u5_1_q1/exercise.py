"""u5.1.q1: A fully connected network on pixel-permuted pictures."""

import torch

from autograder.exercises import (
    Call, Case, Exercise, case, fixture, helper, hidden_only, kept, made, mistake, output, prop, rerun, sequence,
)
from autograder.exercises.data import Perturbation, held_out_pictures
from autograder.exercises.fashion import TRAINING_DEVICE
from autograder_units.unit5.common import F64

PIXELS = 28 * 28
PERTURBATION = Perturbation(shift=0)  # a one-pixel shift costs a fully connected network about 10 points


def permutation(d) -> torch.Tensor:
    return torch.randperm(PIXELS, generator=d.g)


def permute_inputs(d):
    perm = permutation(d)
    x = d.rand(5, 1, 28, 28)
    uint8 = (d.rand(3, 1, 28, 28) * 256).to(torch.uint8)
    return [case(x, perm, label="5 random float32 pictures (1, 28, 28) and a permutation of 0..783"),
            case(uint8, perm, label="3 random uint8 pictures and a permutation"),
            case(d.rand(2, 1, 28, 28, dtype=F64), perm, label="2 random float64 pictures and a permutation"),
            case(torch.zeros(0, 1, 28, 28), perm, label="an empty batch of shape (0, 1, 28, 28)"),
            case(x[:1], torch.arange(PIXELS), label="a picture and the identity permutation")]


def inverse_inputs(d):
    perm = permutation(d)
    x = d.rand(4, 1, 28, 28)
    return [sequence(Call((x, perm), keep_as="scrambled", quiet=True, label="4 pictures permuted"),
                     Call((kept("scrambled", "the permuted pictures"), torch.argsort(perm)),
                          label="the permuted pictures permuted again with the inverse permutation (argsort(perm))"),
                     label="4 random pictures permuted, then permuted back")]


def seeds(d, count: int) -> list[int]:
    return [d.py.randrange(10_000) for _ in range(count)] + [0]


def permutation_inputs(d):
    s = seeds(d, 2)
    return [sequence(*(Call((seed,), label=f"make_pixel_permutation({seed})") for seed in s),
                     label=f"seeds {', '.join(map(str, s))}")]


def same_seed_inputs(d):
    seed = d.py.randrange(10_000)
    return [sequence(Call((seed,)), Call((seed,)), label=f"make_pixel_permutation({seed}) twice")]


def other_seed_inputs(d):
    first, second = d.py.sample(range(10_000), 2)
    return [sequence(Call((first,)), Call((second,)), label=f"make_pixel_permutation({first}) and ({second})")]


def training_inputs(d):
    """The course's network (784-256-128-10, ReLU; Adam lr 1e-3, batch 128), trained by the
    grader on training pictures permuted with the student's permutation and function, scored on
    held-out pictures permuted the same way, and on the same pictures unpermuted. Full budget:
    one epoch of the 60,000 training pictures; quick (test suite): one epoch of 6,000."""
    count = 6_000 if d.quick else 60_000
    rows = torch.randperm(60_000, generator=d.g)[:count] if d.quick else torch.arange(60_000)
    pictures, labels = held_out_pictures(d.g, 1000 if d.quick else 2000, PERTURBATION)
    seed, training_seed = d.py.randrange(10_000), d.child_seed()
    what = f"one epoch on {count:,} training pictures"
    return [Case((
        Call((seed,), target="make_pixel_permutation", keep_as="perm", quiet=True,
             label=f"make_pixel_permutation({seed})"),
        Call((made("permuted_pixels.training_pictures", rows, label=f"{count:,} training pictures"),
              kept("perm", "your permutation")), target="permute_pixels", keep_as="train_x", quiet=True,
             label=f"permute_pixels on {count:,} training pictures"),
        fixture("permuted_pixels.train_mlp", kept("train_x"), rows, training_seed, 1, TRAINING_DEVICE,
                keep_as="model", label=f"the course's network trained for {what}"),
        Call((pictures, kept("perm", "your permutation")), target="permute_pixels", keep_as="test_x", quiet=True,
             label=f"permute_pixels on {len(labels):,} held-out pictures"),
        Call((kept("model"), kept("test_x")), make=helper("permuted_pixels.predict"), target="permuted",
             label="scores for the permuted held-out pictures"),
        Call((kept("model"), pictures), make=helper("permuted_pixels.predict"), target="unpermuted",
             label="scores for the same pictures, unpermuted"),
    ), label=f"{what}, permuted with make_pixel_permutation({seed}); {len(labels):,} held-out pictures "
             f"(brightness x0.9-1.1, noise 0.05)", held=labels)]


# Calibration of "the course's network on your permuted pictures" (`autograder calibrate unit5 u5.1.q1
# --seeds 10`, the reference's permutation and function; the unpermuted accuracies from the same
# runs, read from the reference's scores; machine loaded):
#   full budget (one epoch of the 60,000 pictures, 2,000 held-out pictures): permuted 0.830 +- 0.010
#   (0.812 .. 0.841), unpermuted 0.095 +- 0.006 (0.089 .. 0.110). Full marks from 0.78 (5 standard
#   deviations under the mean), none at 0.50.
#   quick budget (one epoch of 6,000, 1,000 held-out): permuted 0.719 +- 0.026 (0.660 .. 0.746),
#   unpermuted 0.097 +- 0.012 (0.078 .. 0.113). Full marks from 0.62, none at 0.35.
#   A permutation applied inconsistently (another one for the test pictures) scores about 0.1; one
#   that leaves the pictures as they were scores about 0.83 unpermuted: at most 0.45 is accepted.
EXERCISE = Exercise(
    "u5.1.q1", "A fully connected network on pixel-permuted pictures",
    ["make_pixel_permutation", "permute_pixels", "ans_u5_1_q1"],
    checks=[
        output("permuted pictures", "permute_pixels", permute_inputs, weight=3),
        output("the inverse permutation restores them", "permute_pixels", inverse_inputs, weight=1),
        prop("a permutation of 0..783", "make_pixel_permutation", permutation_inputs, "permutation_of", weight=1.5,
             n=PIXELS),
        prop("the same seed, the same permutation", "make_pixel_permutation", same_seed_inputs, "results_equal",
             weight=0.5),
        prop("another seed, another permutation", "make_pixel_permutation", other_seed_inputs, "results_differ",
             weight=0.5),
        hidden_only(prop("the course's network on your permuted pictures", "permute_pixels", training_inputs,
                         "permuted_training", weight=2.5, case_seconds=150, full_at=0.78, zero_at=0.50,
                         quick=[0.62, 0.35], unpermuted_at_most=0.45)),
        rerun("reported accuracies", "ans_u5_1_q1", "within_bands", weight=1, lookups=["permuted", "unpermuted"],
              keys=["permuted", "unpermuted"], bands=[[0.75, 0.95], [0.0, 0.45]], what="the test accuracy"),
    ],
    mistakes=[
        mistake("scatters_instead_of_gathering", fails=["permuted pictures"], says="values differ"),
        mistake("ignores_the_permutation", fails=["permuted pictures", "the course's network on your permuted pictures"],
                says="unpermuted"),
        mistake("always_float32", fails=["permuted pictures"], says="dtype"),
        mistake("ignores_the_seed", fails=["the same seed, the same permutation"], says="should agree"),
        mistake("random_integers_not_a_permutation", fails=["a permutation of 0..783"], says="not a permutation"),
        mistake("accuracies_in_percent", fails=["reported accuracies"], says="outside the range"),
    ],
)
