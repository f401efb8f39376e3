"""u2.6.q5: The cost of the untrained model on the training set."""

from autograder.exercises import Call, Exercise, case, kept, made, mistake, output, sequence
from autograder.exercises.data import HELD_OUT


def loader_checks(train: bool, d):
    count = 4 if d.release else 64  # the release: each row read back is a picture (3 KB)
    rows = d.randint(0, 60_000 if train else 10_000, (count,))
    # hidden grading scrambles the held-out test labels in the worker's view of the data
    labelled = d.randint(0, 60_000 if train else HELD_OUT.start, (count,))
    split = "training" if train else "test"
    call = Call((), {} if train else {"train": False}, keep_as="data", quiet=True,
                label="load_fmnist_flat()" if train else "load_fmnist_flat(train=False)")
    return sequence(
        call,
        Call((1,), target="$data.__getitem__", keep_as="labels", quiet=True, label=f"the labels of the {split} set"),
        Call(target="$labels.shape", read_only=True, label=f"the shape of the {split} labels"),
        Call(target="$labels.dtype", read_only=True, label=f"the dtype of the {split} labels"),
        Call((labelled,), target="$labels.__getitem__", label=f"{count} labels of the {split} set"),
        Call((0,), target="$data.__getitem__", keep_as="X", quiet=True, label=f"the images of the {split} set"),
        Call(target="$X.shape", read_only=True, label=f"the shape of the {split} images"),
        Call(target="$X.dtype", read_only=True, label=f"the dtype of the {split} images"),
        Call((rows,), target="$X.__getitem__", label=f"{count} rows of the {split} images"),
        label=f"the {split} set",
    )


def cost_cases(d):
    cases = []
    for n in (1, 20, 100):
        model = made("softmax_models.with_given_weights", d.child_seed(),
                     label="a softmax-regression model with given weights")
        cases.append(case(model, d.rand(n, 784), d.randint(0, 10, (n,)),
                          label=f"a model with given weights and {n} random picture{'s' if n > 1 else ''}"))
    return cases


def untrained_cost_case(d):
    fresh = made("softmax_models.freshly_initialised", d.child_seed(), label="a freshly initialised model")
    return [sequence(
        Call((), keep_as="data", quiet=True, target="load_fmnist_flat", label="load_fmnist_flat()"),
        Call((0,), target="$data.__getitem__", keep_as="X", quiet=True, label="the training images"),
        Call((1,), target="$data.__getitem__", keep_as="labels", quiet=True, label="the training labels"),
        Call((fresh, kept("X", "the training images"), kept("labels", "the training labels")),
             label="the cost of a freshly initialised model on the whole training set"),
        label="a freshly initialised model on the whole training set")]


EXERCISE = Exercise(
    "u2.6.q5", "The cost of the untrained model on the training set", ["load_fmnist_flat", "full_dataset_cost"],
    checks=[
        # a whole split, loaded: the course text's way (item by item through PILToTensor) is ten
        # times slower than the reference's direct read, so the limit scales with the reference
        output("test set as flat float pictures", "load_fmnist_flat", lambda d: [loader_checks(False, d)], weight=2,
               reference_factor=50),
        output("training set as flat float pictures", "load_fmnist_flat", lambda d: [loader_checks(True, d)], weight=2,
               reference_factor=50),
        output("cost for given weights", "full_dataset_cost", cost_cases, weight=4, rtol=1e-4),
        output("untrained model on the training set", "full_dataset_cost", untrained_cost_case, weight=2, rtol=1e-4),
    ],
    mistakes=[
        mistake("pixels_not_scaled_to_0_1",
                fails=["test set as flat float pictures", "training set as flat float pictures"],
                says="64 rows of the test images"),
        mistake("pictures_not_flattened", fails=["test set as flat float pictures"],
                says="the shape of the test images"),
        mistake("always_the_training_set", fails=["test set as flat float pictures"],
                says="the shape of the test labels"),
        mistake("cross_entropy_on_probabilities", fails=["cost for given weights"],
                says="for a model with given weights and 1 random picture, expected"),
        mistake("the_sum_instead_of_the_mean", fails=["cost for given weights", "untrained model on the training set"],
                says="and 20 random pictures, expected"),
    ],
    isolated=True,
)

