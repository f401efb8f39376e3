"""u4.2.q2: Early stopping with a tenth of the training data."""

import torch

from autograder.exercises import Call, Case, Exercise, fixture, kept, mistake, prop, rerun, using
from autograder_units.unit4.common import class_counts

TRAIN_SET = ("picture_sets.fashion_set", (True,), "torchvision's FashionMNIST training split (60,000 pictures)")
PER_CLASS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]


def sample_case(source, total: int, counts: list[int], args: tuple) -> Case:
    ref, data_args, what = source
    call_text = ", ".join(["dataset", *map(repr, args)])
    made = f"subsample({call_text}) of {what}"
    return Case((fixture(ref, *data_args, keep_as="data", label=what),
                 Call((kept("data", what), *args), keep_as="sample", quiet=True, label=made),
                 using("picture_sets.chosen_items", kept("sample"), kept("data"),
                       label=f"the indices and labels of the items of {made}")),
                label=made, held=torch.tensor([total, *counts]))


def sample_inputs(d):
    per_class = class_counts()
    seed = d.py.randrange(1, 1000)
    balanced = ("picture_sets.balanced_pictures", (d.child_seed(), PER_CLASS),
                f"a data set of {sum(PER_CLASS)} pictures with {', '.join(map(str, PER_CLASS))} of classes 0 to 9")
    return [sample_case(TRAIN_SET, 60_000, [round(0.1 * c) for c in per_class], (0.1,)),
            sample_case(TRAIN_SET, 60_000, [round(0.05 * c) for c in per_class], (0.05, seed)),
            sample_case(balanced, sum(PER_CLASS), [round(0.3 * c) for c in PER_CLASS], (0.3, seed))]


def seed_inputs(d):
    what = f"a data set of {sum(PER_CLASS)} labelled pictures"
    seed = d.py.randrange(1, 1000)
    steps = [fixture("picture_sets.balanced_pictures", d.child_seed(), PER_CLASS, keep_as="data", label=what)]
    for name, s in (("first", seed), ("again", seed), ("other", seed + 1)):
        steps += [Call((kept("data", what), 0.5, s), keep_as=name, quiet=True, label=f"subsample(dataset, 0.5, {s})"),
                  using("picture_sets.part_indices", kept(name), kept("data"),
                        label=f"the indices of subsample(dataset, 0.5, {s})")]
    return [Case(tuple(steps), label=f"subsample of {what} with the seeds {seed}, {seed} and {seed + 1}")]


EXERCISE = Exercise(
    "u4.2.q2", "Early stopping with a tenth of the training data", ["subsample", "ans_u4_2_q2"],
    manual="the explanation of how the ideal stopping epoch changed",
    checks=[
        prop("a stratified sample", "subsample", sample_inputs, "stratified_sample", weight=3),
        prop("the seed decides the sample", "subsample", seed_inputs, "same_seed_same_draw", weight=1,
             steps=[2, 4, 6]),
        rerun("best epochs of the reported curves", "ans_u4_2_q2", "best_epochs_of_curves", weight=1),
    ],
    mistakes=[
        mistake("not_stratified", fails=["a stratified sample"], says="keeps the same fraction of every class"),
        mistake("ignores_the_seed", fails=["the seed decides the sample"], says="different seeds gave the same items"),
        mistake("the_first_items_of_each_class", fails=["the seed decides the sample"],
                says="different seeds gave the same items"),
        mistake("best_epochs_counted_from_one", fails=["best epochs of the reported curves"], says="0-based index"),
    ],
)
