"""u2.7.q2: One SGD step and one full gradient step."""

import torch

from autograder.exercises import Call, Exercise, fixture, kept, made, mistake, output, sequence
from autograder.exercises.data import fashion_mnist


def real_batch(d, n: int, flat: bool = False) -> tuple:
    """`n` random training pictures, float32 in [0, 1] of shape (n, 1, 28, 28) or, `flat`,
    (n, 784), and their labels. The public release carries only the rows it picked: the
    pictures are read where the checked code runs (public/fixtures/training_pictures.py)."""
    if d.release:
        rows = d.randint(0, 60_000, (n,))
        return (made("training_pictures.pictures", rows, flat, label=f"{n} training pictures"),
                made("training_pictures.labels", rows, label="their labels"))
    images, labels = fashion_mnist(train=True)
    rows = d.randint(0, len(images), (n,))
    batch = images[rows].to(torch.float32) / 255
    return (batch.reshape(n, 784) if flat else batch.reshape(n, 1, 28, 28)), labels[rows]


def new_layer() -> Call:
    return Call((784, 10), target="torch.nn.Linear", keep_as="z", quiet=True, label="z = nn.Linear(784, 10)")


def read_layer(after: str) -> list[Call]:
    return [Call(target=f"$z.{name}", read_only=True, label=f"z.{name} after {after}") for name in ("weight", "bias")]


def one_step_cases(d):
    cases = []
    # the release keeps one case: each reads back the layer's 7,850 parameters
    for n, flat in ((16, False),) if d.release else ((16, False), (16, True), (100, False)):
        images, labels = real_batch(d, n, flat)
        shape = "(N, 784)" if flat else "(N, 1, 28, 28)"
        what = f"one step on {n} training pictures of shape {shape}, lr 0.1"
        cases.append(sequence(new_layer(), Call((kept("z", "z"), images, labels, 0.1), label=what),
                              *read_layer(what), label=what))
    return cases


def in_place_cases(d):
    images, labels = real_batch(d, 16)
    what = "one step on 16 training pictures, lr 0.5"
    return [sequence(new_layer(),
                     Call(target="$z.weight.detach", keep_as="w_before", quiet=True, label="the weight tensor"),
                     Call(target="$z.bias.detach", keep_as="b_before", quiet=True, label="the bias tensor"),
                     Call((kept("z", "z"), images, labels, 0.5), label=what),
                     Call(target="$w_before", read_only=True,
                          label=f"the tensor that was z.weight before the call, after {what}"),
                     Call(target="$b_before", read_only=True,
                          label=f"the tensor that was z.bias before the call, after {what}"),
                     label=what)]


def two_step_cases(d):
    """Two steps from a layer that already holds gradients (public/fixtures/stale_gradients.py):
    only the parameters are read, so a gd_step that takes its gradients with torch.autograd.grad
    (leaving .grad alone) passes, and one that does not clear stale gradients first does not."""
    first, second = real_batch(d, 16), real_batch(d, 16)
    what = "two steps on two batches of 16 training pictures, lr 0.1, from a layer holding stale gradients"
    stale = fixture("stale_gradients.linear_layer", 784, 10, d.child_seed(), keep_as="z",
                    label="z = nn.Linear(784, 10) holding gradients from an earlier backward()")
    return [sequence(stale, Call((kept("z", "z"), *first, 0.1), label="the first of two steps"),
                     Call((kept("z", "z"), *second, 0.1), label="the second of two steps"),
                     *read_layer(what), label=what)]


EXERCISE = Exercise(
    "u2.7.q2", "One SGD step and one full gradient step", ["gd_step"],
    checks=[
        output("one step", "gd_step", one_step_cases, weight=4, rtol=1e-5, atol=1e-6),
        output("updates the layer in place", "gd_step", in_place_cases, weight=2, rtol=1e-5, atol=1e-6),
        output("two steps in a row", "gd_step", two_step_cases, weight=2, rtol=1e-5, atol=1e-6),
    ],
    mistakes=[
        # both take the stale gradients into the first step: the loss of the second differs
        mistake("never_clears_the_gradients", fails=["two steps in a row"], says="for the second of two steps"),
        mistake("clears_the_gradients_after_the_update", fails=["two steps in a row"],
                says="for the second of two steps"),
        mistake("new_parameter_tensors", fails=["updates the layer in place"],
                says="the tensor that was z.weight before the call"),
        mistake("returns_the_cost_after_the_update", fails=["one step"], says="one step on 16 training pictures"),
        mistake("images_not_flattened", fails=["one step"], says="raised RuntimeError"),
    ],
)

