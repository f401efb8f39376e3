"""u2.7.q1: A minibatch of 16."""

from autograder.exercises import Call, Exercise, case, made, mistake, output, prop, sequence


def same_item_dataset(d, form: str):
    """40 copies of one random picture (uint8, float or PIL) with one label, built where the
    checked code runs (public/fixtures/picture_datasets.py)."""
    seed, label = d.child_seed(), d.py.randrange(10)
    return made("picture_datasets.copies_of_one_picture", seed, label, form,
                label=f"a data set of 40 copies of one {form} picture")


def varied_dataset(d):
    return made("picture_datasets.different_pictures", d.child_seed(),
                label="a data set of 100 different uint8 pictures")


def minibatch_values(d):
    if d.release:  # smaller batches: each picture of a batch read back is 3 KB
        return [case(same_item_dataset(d, form), 2, seed=d.child_seed()) for form in ("uint8", "float", "PIL")]
    cases = [case(same_item_dataset(d, form), 16, seed=d.child_seed()) for form in ("uint8", "float", "PIL")]
    cases.append(case(same_item_dataset(d, "uint8"), 5, seed=d.child_seed()))
    return cases


def same_seed(d):
    seed = d.child_seed()
    ds = varied_dataset(d)
    return [sequence(Call((ds, 16), {"seed": seed}), Call((ds, 16), {"seed": seed}),
                     label="two calls with the same seed on a data set of 100 different pictures")]


def other_seeds(d):
    ds = varied_dataset(d)
    first, second = d.child_seed(), d.child_seed() + 1
    return [sequence(Call((ds, 16), {"seed": first}), Call((ds, 16), {"seed": second}),
                     label="two calls with different seeds on a data set of 100 different pictures")]


EXERCISE = Exercise(
    "u2.7.q1", "A minibatch of 16", ["load_minibatch"],
    checks=[
        output("float pictures in [0, 1] and int64 labels", "load_minibatch", minibatch_values, weight=3),
        prop("same seed, same batch", "load_minibatch", same_seed, "results_equal", weight=1),
        prop("different seeds, different batches", "load_minibatch", other_seeds, "results_differ", weight=1),
    ],
    mistakes=[
        mistake("uint8_pictures_not_scaled", fails=["float pictures in [0, 1] and int64 labels"], says="values differ"),
        mistake("ignores_the_seed", fails=["same seed, same batch"],
                says="calls that should agree gave different results"),
        mistake("always_the_first_items", fails=["different seeds, different batches"],
                says="two calls gave identical results"),
        mistake("pictures_of_shape_28_28", fails=["float pictures in [0, 1] and int64 labels"],
                says="expected shape (16, 1, 28, 28)"),
    ],
)

