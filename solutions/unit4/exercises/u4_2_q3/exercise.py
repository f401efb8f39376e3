"""u4.2.q3: Training on classes 0-4, testing on classes 5-9."""

from autograder.exercises import Call, Case, Exercise, answer, fixture, hidden_only, kept, made, mistake, output, prop, using
from autograder_units.unit4.common import held_out, scores_of

TRAIN_SET = ("picture_sets.fashion_set", (True,), "torchvision's FashionMNIST training split")
SEEN = [0, 1, 2, 3, 4]


def filter_case(source, classes: list[int]) -> Case:
    ref, args, what = source
    shown = "{" + ", ".join(map(str, classes)) + "}" if classes else "set()"
    made_by = f"filter_classes(dataset, {shown}) on {what}"
    return Case((fixture(ref, *args, keep_as="data", label=what),
                 Call((kept("data", what), made("picture_sets.as_set", classes, label=shown)), keep_as="kept",
                      quiet=True, label=made_by),
                 using("picture_sets.indices_in", kept("kept"), kept("data"), label=f"the indices {made_by} keeps")),
                label=made_by)


def filter_inputs(d):
    small = ("picture_sets.labelled_pictures", (d.child_seed(), 500), "a data set of 500 labelled pictures")
    pair = sorted(d.py.sample(range(10), 2))
    return [filter_case(small, SEEN), filter_case(small, []), filter_case(small, list(range(10))),
            filter_case(small, [7]), filter_case(small, pair), filter_case(TRAIN_SET, [d.py.randrange(10)])]


def unseen_inputs(d):
    count, epochs = (12_000, 2) if d.quick else (20_000, 2)
    pictures, labels = held_out(d)
    what = (f"the grader's 784-256-256-10 network trained (Adam lr 1e-3, batches of 128, {epochs} epochs) on "
            f"{count:,} of the training pictures filter_classes keeps for classes 0-4")
    return [Case((fixture(TRAIN_SET[0], *TRAIN_SET[1], keep_as="data", label=TRAIN_SET[2]),
                  Call((kept("data", TRAIN_SET[2]), made("picture_sets.as_set", SEEN, label="{0, 1, 2, 3, 4}")),
                       keep_as="kept", quiet=True, label="filter_classes(training split, {0, 1, 2, 3, 4})"),
                  fixture("picture_sets.indices_in", kept("kept"), kept("data"), keep_as="rows",
                          label="the indices it keeps"),
                  fixture("trainers.trained_on_chosen", kept("rows", "those indices"), count, epochs, d.child_seed(),
                          keep_as="model", label=what),
                  scores_of("model", pictures, "the trained network")),
                 label=f"{what}, scored on 2,000 held-out test pictures of all classes", held=labels)]


# Calibration of "a network that never saw classes 5-9" (`autograder calibrate unit4 u4.2.q3 --seeds 10`,
# the reference's filter, the grader's network, 2 epochs on 20,000 pictures of classes 0-4):
#   accuracy on the held-out pictures of classes 0-4: 0.865 +- 0.013 (0.844 .. 0.888), on classes 5-9: 0.000 in
#   every run; the catalogue's floor 0.80 on the seen classes is 5 standard deviations below the mean, its bar
#   0.10 on the unseen ones far above. (With 10,000 pictures the seen classes reached only 0.847 +- 0.017,
#   down to 0.818: too close to the floor.) Quick budget (the test suite: 2 epochs on 12,000 pictures), 10
#   seeds: 0.856 +- 0.012 (0.842 .. 0.872).
EXERCISE = Exercise(
    "u4.2.q3", "Training on classes 0-4, testing on classes 5-9", ["filter_classes", "ans_u4_2_q3b"],
    checks=[
        output("the kept indices", "filter_classes", filter_inputs, weight=3),
        hidden_only(prop("a network that never saw classes 5-9", "filter_classes", unseen_inputs, "seen_and_unseen",
                         weight=4, case_seconds=120, seen=SEEN, unseen_at_most=0.10, seen_at_least=0.80)),
        answer("would more data help", "ans_u4_2_q3b", weight=1, choices="ABCD"),
    ],
    mistakes=[
        mistake("keeps_the_other_classes", fails=["the kept indices", "a network that never saw classes 5-9"],
                says="must not know classes it never saw"),
        mistake("grouped_by_class", fails=["the kept indices"], says="filter_classes(dataset, {0, 1, 2, 3, 4})"),
        mistake("returns_a_list_of_indices", fails=["the kept indices", "a network that never saw classes 5-9"],
                says="not a torch.utils.data.Subset"),
        mistake("more_data_helps", fails=["would more data help"], says="is not the right choice"),
    ],
)
