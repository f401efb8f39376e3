"""u5.6.q1: LeNet-5 on Fashion-MNIST, with and without augmentation."""

import torch

from autograder.exercises import (
    Call, Case, Exercise, accuracy, fixture, helper, hidden_only, kept, mistake, output, prop, rerun, sequence, using,
)
from autograder.exercises.data import Perturbation, held_out_pictures
from autograder.exercises.fashion import TRAINING_DEVICE

PERTURBATION = Perturbation()  # shifted by up to a pixel, brightness x0.9-1.1, noise 0.05


def output_inputs(d):
    return [sequence(Call(keep_as="net", quiet=True, label="LeNet5()"),
                     *(using("networks.output_facts", kept("net"), d.rand(n, 1, 28, 28),
                             label=f"the shape of LeNet5()'s output for {n} picture{'s' if n > 1 else ''} (1, 28, 28)")
                       for n in (1, 32)),
                     label="LeNet5() on batches of 1 and 32 pictures")]


def layout_inputs(d):
    return [sequence(Call(keep_as="net", quiet=True, label="LeNet5()"),
                     using("networks.weight_layers", kept("net"), label="the weight layers of LeNet5()"),
                     label="LeNet5()")]


def training_inputs(d):
    """The grader trains the student's LeNet5 (built from the step's seed) with the pinned recipe:
    Adam, lr 1e-3, batches of 64, cross-entropy on the network's output. Full budget: one epoch of
    20,000 training pictures (a calibrated subset: ten epochs of the 60,000 take minutes on a CPU);
    quick (test suite): one epoch of 3,000. Scored on perturbed held-out pictures."""
    count = 3_000 if d.quick else 20_000
    rows = torch.randperm(60_000, generator=d.g)[:count]
    pictures, labels = held_out_pictures(d.g, 1000 if d.quick else 2000, PERTURBATION)
    what = f"one epoch of {count:,} training pictures"
    return [Case((Call(keep_as="net", quiet=True, label="LeNet5()"),
                  fixture("lenet_training.train", kept("net"), rows, 1, d.child_seed(), TRAINING_DEVICE,
                          keep_as="trained", label=f"LeNet5() trained by the grader for {what}"),
                  Call((kept("trained"), pictures), make=helper("lenet_training.scores"), target="scores",
                       label="its scores for the held-out pictures")),
                 label=f"LeNet5() trained for {what} (Adam, lr 1e-3, batch 64); {len(labels):,} held-out pictures "
                       f"({PERTURBATION.describe()})", held=labels)]


def augmentation_inputs(d):
    rows = torch.randperm(60_000, generator=d.g)[:16]
    seed = d.py.randrange(10_000)
    return [sequence(Call(keep_as="augment", quiet=True, label="fmnist_augmentation()"),
                     using("augmentation.batch_facts", kept("augment"), rows, seed,
                           label="fmnist_augmentation() applied 10 times to each of 16 training pictures, twice from "
                                 "the same seed"),
                     label="16 training pictures")]


# Parameters and layers (the verified note): the classic layout has 61,706 parameters, the
# variant without padding in the first layer 44,426, the published one (C5 a convolution) 61,706
# with three Conv2d and two Linear: 40,000-70,000 parameters and five weight layers are accepted.
# The catalogue's bar, measured (not used as a bar here: ten epochs take four to five minutes of CPU
# per run): the classic layout with ReLU and max pooling, Adam lr 1e-3, batch 64, 10 epochs of the
# 60,000 pictures, seeds 0-4 (5 runs, one thread, machine loaded): test accuracy 0.902 +- 0.002
# (0.899 .. 0.903), 0.903 on the clean held-out half, training accuracy 0.928 +- 0.003; after one
# epoch 0.820 +- 0.009. So ">= 0.88 after 10 epochs" holds with a wide margin, and the typical
# 0.89-0.91 is right. The notebook's own runs (seed 0): plain 0.895 test / 0.919 train after 10
# epochs (the gap grows); with the reference's augmentation 0.883 test / 0.861 train (no gap).
# The grader's budget, calibrated (`autograder calibrate unit5 u5.6.q1 --seeds 10`, the reference's
# LeNet5, 2,000 held-out pictures shifted by up to a pixel, brightness x0.9-1.1, noise 0.05; machine
# loaded): one epoch of 20,000 pictures 0.727 +- 0.012 (0.713 .. 0.750): full marks from 0.68, none
# at 0.45. Quick budget (one epoch of 3,000, 1,000 pictures): 0.531 +- 0.040 (0.485 .. 0.608): full
# marks from 0.42, none at 0.25.
EXERCISE = Exercise(
    "u5.6.q1", "LeNet-5 on Fashion-MNIST, with and without augmentation",
    ["LeNet5", "fmnist_augmentation", "ans_u5_6_q1"],
    manual="whether augmentation removed the overfitting, from your two runs (part c)",
    checks=[
        output("scores for a batch", "LeNet5", output_inputs, weight=2),
        prop("five weight layers, 40,000 to 70,000 parameters", "LeNet5", layout_inputs, "lenet_layout", weight=2,
             min_parameters=40_000, max_parameters=70_000),
        hidden_only(accuracy("accuracy after the grader's training", "LeNet5", training_inputs, weight=3,
                             full_at=0.68, zero_at=0.45, quick=(0.42, 0.25), predictions="scores",
                             what="perturbed held-out test pictures", case_seconds=150)),
        prop("the augmentation", "fmnist_augmentation", augmentation_inputs, "augments_pictures", weight=2),
        rerun("reported curves", "ans_u5_6_q1", "training_curves", weight=1, min_epochs=5, min_final_test=0.8),
    ],
    mistakes=[
        mistake("one_convolution_only", fails=["five weight layers, 40,000 to 70,000 parameters"],
                says="Conv2d and"),
        mistake("a_wide_classifier", fails=["five weight layers, 40,000 to 70,000 parameters"], says="parameters;"),
        mistake("forward_returns_nothing", fails=["scores for a batch", "accuracy after the grader's training"],
                says="NoneType"),
        mistake("starts_with_totensor", fails=["the augmentation"], says="TypeError"),
        mistake("the_same_picture_every_time", fails=["the augmentation"], says="equal results"),
        mistake("accuracies_in_percent", fails=["reported curves"], says="between 0 and 1"),
    ],
)
