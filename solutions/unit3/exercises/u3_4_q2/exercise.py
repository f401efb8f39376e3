"""u3.4.q2: A setting where Adam does worse."""

from sklearn.datasets import make_blobs

from autograder.exercises import Exercise, mistake, rerun

_X, _Y = make_blobs(n_samples=100, n_features=2, centers=2, random_state=1)


BLOBS = {"X": _X.tolist(), "Y": [float(v) for v in _Y]}


EXERCISE = Exercise(
    "u3.4.q2", "A setting where Adam does worse", ["ADAM_WORSE_CONFIG"],
    checks=[rerun("Adam ends higher", "ADAM_WORSE_CONFIG", "adam_worse", **BLOBS, scale=[2.5, 1.0], bias=5.0)],
    mistakes=[
        mistake("the_text_s_setting_where_adam_wins", fails=["Adam ends higher"], says="Adam should end at least 1% + 0.0001 higher"),
        mistake("momentum_of_1", fails=["Adam ends higher"], says="'momentum' is 1; it should be in [0, 1)"),
    ],
)

