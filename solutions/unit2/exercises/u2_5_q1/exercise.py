"""u2.5.q1: A custom FashionMNISTDataset."""


from autograder.exercises import Call, Exercise, helper, hidden_only, kept, made, mistake, output, raises, sequence
from autograder.exercises.data import HELD_OUT
from autograder_units.unit2.public.fixtures.picture_folders import row_order

FOLDERS = "picture_folders"  # public/fixtures/picture_folders.py


# The picture folders exist only at check time: a step's first argument writes one where the
# checked code runs (public/fixtures/picture_folders.py), into the sandbox's private temporary
# folder (the reference gets a scratch folder of its own, removed with it). Random pictures come
# from a seeded generator; the 500 test pictures are read from the data folder (AUTOGRADER_DATA).
# Nothing is written into the repository or the student's release.

def picture_folder(d, n: int = 37, header: bool = True, real: bool = False, drop: int | None = None):
    """(labels_file, dir) arguments for FashionMNISTDataset, and the folder's seed; `drop` names
    a picture whose file is not written (its row stays in the labels file)."""
    seed = d.child_seed()
    what = f"{n} {'test' if real else 'random'} pictures"
    # test pictures come from the labelled half: the worker's view scrambles the held-out labels
    labels_file = made(f"{FOLDERS}.labels_file", seed, n, header, real, drop, HELD_OUT.start,
                       label=f"a labels file of {what} ({'with' if header else 'without'} a header)")
    return labels_file, made(f"{FOLDERS}.folder", seed, n, header, real, drop, label="their folder"), seed


def dataset_calls(d, *, n: int = 37, header: bool = True, real: bool = False, drop: int | None = None, **kwargs):
    labels_file, folder, seed = picture_folder(d, n, header, real, drop)
    built = Call((labels_file, folder), kwargs, keep_as="ds", quiet=True,
                 label=f"FashionMNISTDataset({labels_file.label}, ...)")
    return built, seed


def items_case(d, header: bool, real: bool = False, n: int = 37):
    built, _ = dataset_calls(d, n=n, header=header, real=real)
    picks = [0, n - 1] + [d.py.randrange(n) for _ in range(4)]
    where = f"{n} {'test' if real else 'random'} pictures, labels file {'with' if header else 'without'} a header"
    return sequence(built, Call(target="$ds.__len__", label=f"len(dataset) for {where}"),
                    *[Call((i,), target="$ds.__getitem__", label=f"dataset[{i}] for {where}") for i in picks],
                    label=where)


def transform_case(d):
    built, _ = dataset_calls(d, transform=helper(f"{FOLDERS}.scaled_and_shifted", "a transform"),
                             target_transform=helper(f"{FOLDERS}.plus_100", "a target transform"))
    picks = [d.py.randrange(37) for _ in range(2 if d.release else 4)]  # the release: each item is 3 KB
    return sequence(built, *[Call((i,), target="$ds.__getitem__",
                                  label=f"dataset[{i}] with a transform and a target transform") for i in picks],
                    label="37 random pictures with transforms")


def loader_case(d):
    built, _ = dataset_calls(d, header=False)
    calls = [built,
             Call((kept("ds"),), {"batch_size": 4}, target="torch.utils.data.DataLoader", keep_as="loader", quiet=True,
                  label="DataLoader(dataset, batch_size=4)"),
             Call(target="$loader.__iter__", keep_as="batches", quiet=True, label="iter(loader)")]
    # all 10 batches in hidden grading; the release reads the first 3 (each picture read back is 3 KB)
    calls += [Call(target="$batches.__next__", label=f"batch {k} of DataLoader(dataset, batch_size=4) over 37 pictures")
              for k in range(3 if d.release else 10)]
    return sequence(*calls, label="DataLoader(dataset, batch_size=4) over 37 pictures")


def bad_index_cases(d):
    cases = []
    for index in (37, 40):
        built, _ = dataset_calls(d)
        cases.append(sequence(built, Call((index,), target="$ds.__getitem__", label=f"dataset[{index}] of 37 pictures"),
                              label=f"dataset[{index}] of 37 pictures"))
    return cases


def missing_file_cases(d):
    drop = d.py.randrange(37)
    built, seed = dataset_calls(d, drop=drop)
    row = row_order(seed, 37).index(drop)
    return [sequence(built, Call((row,), target="$ds.__getitem__", label="the item whose picture file is missing"),
                     label="a labels file naming a picture that is not in the folder")]


EXERCISE = Exercise(
    "u2.5.q1", "A custom FashionMNISTDataset", ["FashionMNISTDataset"],
    manual="the plot of a few pictures of the 500-picture folder",
    checks=[
        output("length and items", "FashionMNISTDataset",
               lambda d: [items_case(d, header=True), items_case(d, header=False)], weight=4),
        output("transforms", "FashionMNISTDataset", lambda d: [transform_case(d)], weight=1.5),
        output("in a DataLoader", "FashionMNISTDataset", lambda d: [loader_case(d)], weight=1.5),
        hidden_only(output("500 test pictures", "FashionMNISTDataset",
                           lambda d: [items_case(d, header=True, real=True, n=500)], weight=1)),
        raises("index out of range", "FashionMNISTDataset", bad_index_cases, ["IndexError"], weight=1),
        raises("missing picture file", "FashionMNISTDataset", missing_file_cases, ["FileNotFoundError"], weight=1),
    ],
    mistakes=[
        mistake("keeps_the_header_line_as_a_row", fails=["length and items"],
                says="labels file with a header, FashionMNISTDataset raised FileNotFoundError"),
        mistake("forgets_the_target_transform", fails=["transforms"], says="with a transform and a target transform"),
        mistake("a_28_28_picture_without_the_channel", fails=["length and items", "in a DataLoader"],
                says="expected shape (1, 28, 28)"),
        mistake("lets_negative_or_large_indices_through", fails=["index out of range"], says="should raise IndexError"),
        mistake("no_check_that_the_file_exists", fails=["missing picture file"], says="but it raised RuntimeError"),
    ],
)

