"""u2.3.q5: A vectorised neuron for k-dimensional inputs."""

import torch

from autograder.exercises import Exercise, case, made, mistake, output, perf, prop, raises
from autograder_units.unit2.common import F64, blobs


def labelled_points(d, n: int, k: int, dtype=F64) -> tuple:
    """`n` points in `k` dimensions around two random centres (spread 3), and their labels. The
    public release carries only the draws: the points are built where the checked code runs."""
    if d.release:
        labels = d.randint(0, 2, (n,))
        centres, noise = d.randn(2, k, dtype=dtype, std=3), d.randn(n, k, dtype=dtype)
        name = str(dtype).removeprefix("torch.")
        return (made("labelled_points.around_centres", centres, labels, noise, label=f"{n} {name} points"),
                made("labelled_points.as_floats", labels, name, label="their labels"))
    labels = d.randint(0, 2, (n,)).to(dtype)
    centres = d.randn(2, k, dtype=dtype) * 3
    return centres[labels.long()] + d.randn(n, k, dtype=dtype), labels


def worker_points(seed: int, n: int) -> tuple:
    """`n` labelled float32 points in 2 dimensions, drawn where the checked code runs from a
    seed (a large timing input that need not travel in the release)."""
    return (made("labelled_points.clustered_points", seed, n, label=f"{n:,} float32 points"),
            made("labelled_points.cluster_labels", seed, n, label="their labels"))


def vectorized_inputs(d):
    cases = []
    for k in (1, 2, 5, 20):
        for n in (1, 100, 1000):
            points, labels = labelled_points(d, n, k)
            cases.append(case(points, labels, d.randn(k, dtype=F64, std=0.1), round(d.py.uniform(-1, 1), 3), 0.1, 10,
                              label=f"{n} point{'s' if n > 1 else ''} in {k} dimension{'s' if k > 1 else ''}, 10 steps"))
    return cases


def accuracy_run(k: int):
    points, labels = blobs(n=200, k=k, seed=0)
    return case(points, labels, torch.zeros(k, dtype=F64), 0.0, 0.1, 1000,
                label=f"make_blobs(200, {k} features, random_state=0), 1000 steps of alpha 0.1 from w = 0, b = 0")


def width_mismatch(d):
    points, labels = labelled_points(d, 10, 2)
    return [case(points, labels, torch.zeros(3, dtype=F64), 0.0, 0.1, 5, label="w of shape (3,) for points of width 2"),
            case(points, labels, torch.zeros(1, dtype=F64), 0.0, 0.1, 5, label="w of shape (1,) for points of width 2")]


EXERCISE = Exercise(
    "u2.3.q5", "A vectorised neuron for k-dimensional inputs", ["train_neuron_vectorized"],
    uses={"calc_dC_analytic": "u2.3.q4"},
    checks=[
        perf("no loop over the points", "train_neuron_vectorized",
             lambda d: [case(*worker_points(d.child_seed(), 100_000), torch.zeros(2), 0.0, 0.1, 5,
                             label="100,000 float32 points, 5 steps")],
             weight=1, max_ratio=3, case_seconds=3,
             hint="avoid a Python loop over the points; use tensor operations on all of them"),
        # F.softplus is linear above z = 20, so correct stable costs differ by up to e^-20 per point
        # (atol); a cost history stored in float32 (a list turned into a tensor) is as right as the
        # reference's float64 one and is rounded by up to 6e-8 relative (rtol)
        output("against the reference", "train_neuron_vectorized", vectorized_inputs, weight=4, rtol=1e-7, atol=1e-8,
               dtype="float", trajectory=True),
        prop("accuracy on separable blobs", "train_neuron_vectorized", [accuracy_run(5), accuracy_run(10)],
             "linear_accuracy", weight=1.5, minimum=1.0),
        prop("accuracy on overlapping blobs", "train_neuron_vectorized", [accuracy_run(2)], "linear_accuracy",
             weight=0.5, minimum=0.96),  # the reference's accuracy on these blobs: a line cannot do better
        raises("mismatched widths", "train_neuron_vectorized", width_mismatch, ["ValueError"], weight=1),
    ],
    mistakes=[
        mistake("returns_b_as_a_tensor", fails=["against the reference"], says="use .item()"),
        mistake("updates_b_with_the_new_w", fails=["against the reference"], says="differs"),
        mistake("no_check_of_the_widths", fails=["mismatched widths"], says="should raise ValueError"),
        mistake("a_loop_over_the_points", fails=["no loop over the points"], says="loop over the points"),
    ],
)

