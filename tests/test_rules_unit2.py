"""The rule pieces added for unit 2, judged the way the grader judges them (see test_rules):
the re-run rule with its two experiments (solutions/unit2/public/experiments.py), the `open_interval` and
`linear_accuracy` properties, the `first_item` output transform, labels for the calls of
a several-call case, and output checks over a function the check writes (u2.9.q2, u2.9.q3).
For each: a right answer passes, a realistic mistake fails with the
message a student reads, and a stub fails with a kind message."""

from __future__ import annotations

import importlib
import math

import pytest
import torch
from sklearn.datasets import make_blobs

from autograder.checks import Verdict
from autograder.exercises import spec as S
from autograder.exercises.loader import load_exercises, load_unit_public
from conftest import ROOT
import test_rules
from test_rules import NOT_IMPLEMENTED, stub

# unit 2's public code, loaded as the judge loads it: its experiments and properties register
# into UNIT2.registry, and the helpers its checks name are found in its fixture modules
UNIT2 = load_unit_public(ROOT / "solutions" / "unit2", "unit2")
neuron_descent = importlib.import_module(f"{UNIT2.package}.public.experiments").neuron_descent


def verdict(check: S.CheckSpec, reference: dict | None, student: dict, seed: int = 1,
            timeout: float | None = None) -> Verdict:
    """test_rules.verdict with unit 2's registry and fixture modules."""
    return test_rules.verdict(check, reference, student, seed, timeout, UNIT2)


def grade(check: S.CheckSpec, reference: dict | None, student: dict, seed: int = 1,
          timeout: float | None = None) -> str | None:
    """The first failing case's message, or None when every case passes (test_rules.grade for
    unit 2's checks)."""
    outcome = verdict(check, reference, student, seed, timeout)
    return None if outcome.passed else outcome.message


POINTS, LABELS = make_blobs(n_samples=100, n_features=2, centers=2, random_state=1)
X, Y = torch.tensor(POINTS), torch.tensor(LABELS, dtype=torch.float64)
BLOBS = {"X": X.tolist(), "Y": Y.tolist()}
START = [1.0, -1.0, 5.5]


# --- rerun: a starting point -------------------------------------------------------------

GOOD_START = S.rerun("wider margin", "START", "neuron_start", **BLOBS, alpha=0.1, iters=1000, baseline=START)


def test_rerun_start_that_widens_the_margin_passes():
    assert grade(GOOD_START, None, {"START": (-1.0, -1.0, -2.0)}) is None
    assert grade(GOOD_START, None, {"START": [-1, -1, -2]}) is None  # a list of ints is fine too


def test_rerun_start_no_better_than_the_baseline():
    assert grade(GOOD_START, None, {"START": (1.0, -1.0, 5.5)}) == (
        "START: after 1000 steps of gradient descent (alpha 0.1) from (1, -1, 5.5), the nearest point is 0.76 "
        "from the p = 0.5 line, no farther than after training from (1, -1, 5.5) (0.76); a good start ends with "
        "a wider margin")


def test_rerun_start_that_does_not_separate():
    one_step = S.rerun("separates", "START", "neuron_start", **BLOBS, alpha=0.1, iters=1, baseline=START)
    assert grade(one_step, None, {"START": (1.0, -1.0, 5.5)}) == (
        "START: after 1 step of gradient descent (alpha 0.1) from (1, -1, 5.5), 91% of the points are "
        "classified correctly; a good start separates them all")


@pytest.mark.parametrize(("value", "says"), [
    ((-1.0, -1.0), "START: expected a tuple of 3 finite numbers (w0, w1, b), got a tuple of length 2"),
    ((-1.0, math.nan, 2.0), "START: expected a tuple of 3 finite numbers (w0, w1, b), got a tuple of length 3"),
    ("(-1, -1, -2)", "START: expected a tuple of 3 finite numbers (w0, w1, b), got a string"),
    (None, "START has no answer yet"),
])
def test_rerun_start_unusable_answers(value, says):
    assert grade(GOOD_START, None, {"START": value}) == says


def test_rerun_missing_constant():
    assert grade(GOOD_START, None, {}) == "START is not defined: write your answer as START = ..."


def test_rerun_start_given_as_a_tensor_is_read():
    assert grade(GOOD_START, None, {"START": torch.tensor([-1.0, -1.0, -2.0])}) is None


# --- rerun: reported final costs ---------------------------------------------------------

COSTS = S.rerun("final costs", "ans", "neuron_final_costs", lookups=[0.01, 1.0], **BLOBS, start=START, iters=1000,
                alphas=[0.01, 1.0], rtol=0.05)


def true_cost(alpha: float) -> float:
    return neuron_descent(X, Y, START, alpha, 1000)[1][-1].item()


def test_rerun_costs_within_the_tolerance_pass():
    answer = {0.01: true_cost(0.01) * 1.04, 0.1: 123.0, 1.0: true_cost(1.0) * 0.97}  # extra keys are not judged
    assert grade(COSTS, None, {"ans": answer}) is None
    assert grade(COSTS, None, {"ans": {0.01: 0.01829, 1: 0.0001485}}) is None  # 1 == 1.0 as a key


@pytest.mark.parametrize(("answer", "says"), [
    ({0.01: 0.05, 1.0: 0.0001485},
     "ans: the final cost for alpha = 0.01 (0.05) is not within 5% of the cost after 1000 steps from (1, -1, 5.5)"),
    ({0.01: 0.01829}, "ans: it has no entry for alpha = 1"),
    ({0.01: 0.01829, 1.0: math.nan},
     "ans: the final cost for alpha = 1 is nan; compute the cost in a stable form (softplus) so that it stays finite"),
    ({0.01: torch.tensor(0.01829), 1.0: 0.0001485},
     "ans: the entry for alpha = 0.01 is a tensor; store a Python float (use .item())"),
    ({0.01: "0.018", 1.0: 0.0001485}, "ans: the entry for alpha = 0.01 should be a number, got a string"),
    ({"0.01": 0.01829, "1.0": 0.0001485}, "ans: it has no entry for alpha = 0.01"),
    ([(0.01, 0.01829), (1.0, 0.0001485)], "ans: expected a dict from learning rate to final cost, got a list"),
    (None, "ans has no answer yet"),
])
def test_rerun_costs_mistakes(answer, says):
    message = grade(COSTS, None, {"ans": answer})
    assert message == says
    assert "0.0183" not in message  # the true costs are never revealed


# --- property: strictly inside an open interval, finite gradients --------------------------------

def squashed(x, w, b):
    y = torch.sigmoid(x @ w + b)
    eps = torch.finfo(y.dtype).eps
    return y.clamp(eps, 1 - eps)


def far_inputs():
    generator = torch.Generator().manual_seed(0)
    points = torch.randn(1000, 2, generator=generator) * 1000
    return [S.case(points, torch.randn(2, generator=generator), torch.tensor(0.5), label="far points")]


INSIDE = S.prop("inside (0, 1)", "f", far_inputs(), "open_interval", grads_wrt=[1, 2], grads_of=["w", "b"])


def test_open_interval_reference_passes():
    assert grade(INSIDE, None, {"f": squashed}) is None


@pytest.mark.parametrize(("mistake", "says"), [
    (lambda x, w, b: torch.sigmoid(x @ w + b), "of 1000 values are not strictly between 0 and 1; first at ["),
    (lambda x, w, b: squashed(x, w, b)[:10], "expected shape (1000,), one value per point, got (10,)"),
    (lambda x, w, b: (x @ w + b > 0).long(), "expected a floating-point dtype, got int64"),
    (lambda x, w, b: squashed(x, w, b).detach(), "the grader could not compute its gradients"),
    (lambda x, w, b: squashed(x, w.detach(), b), "the result does not depend on w in the autograd graph"),
    (lambda x, w, b: squashed(x, w, b) + 0 * torch.sqrt(b - b), "the gradient with respect to b has 1 values that "
                                                                "are nan or infinite"),
    (lambda x, w, b: [0.5] * len(x), "expected a tensor, got a list"),
])
def test_open_interval_mistakes(mistake, says):
    message = grade(INSIDE, None, {"f": mistake})
    assert message is not None and message.startswith("f: for far points, ")
    assert says in message


def test_open_interval_stub():
    assert grade(INSIDE, None, {"f": stub}) == f"f {NOT_IMPLEMENTED}"


# --- property: accuracy of a trained linear classifier --------------------------------------------

def train(X, Y, w, b, alpha, iters):
    params, costs = neuron_descent(X, Y, [*w.tolist(), b], alpha, iters)
    return params[:-1], params[-1].item(), costs


ACCURACY = S.prop("accuracy", "train", [S.case(X, Y, torch.zeros(2, dtype=torch.float64), 0.0, 0.1, 100,
                                               label="the blobs")], "linear_accuracy", minimum=1.0)


def test_linear_accuracy_reference_passes():
    assert grade(ACCURACY, None, {"train": train}) is None


@pytest.mark.parametrize(("mistake", "says"), [
    (lambda X, Y, w, b, alpha, iters: train(X, Y, w, b, alpha, 0), "classifies 50.0% of the training points"),
    (lambda X, Y, w, b, alpha, iters: (-train(X, Y, w, b, alpha, iters)[0], 0.0), "classifies 0.0% of the"),
    (lambda X, Y, w, b, alpha, iters: train(X, Y, w, b, alpha, iters)[0], "expected a tuple (w, b, ...), got a tensor"),
    (lambda X, Y, w, b, alpha, iters: (w, "b"), "expected the bias b second in the result, got a string"),
    (lambda X, Y, w, b, alpha, iters: (torch.zeros(3), 0.0), "expected w of shape (2,) first in the result"),
])
def test_linear_accuracy_mistakes(mistake, says):
    message = grade(ACCURACY, None, {"train": mistake})
    assert message is not None and message.startswith("train: for the blobs, ")
    assert says in message


def test_linear_accuracy_bias_as_a_tensor_and_stub():
    def tensor_bias(X, Y, w, b, alpha, iters):
        w, b, costs = train(X, Y, w, b, alpha, iters)
        return w, torch.tensor(b), costs

    assert grade(ACCURACY, None, {"train": tensor_bias}) is None
    assert grade(ACCURACY, None, {"train": stub}) == f"train {NOT_IMPLEMENTED}"


# --- output: the first_item transform; labelled calls ---------------------------------------------

def fit(x):
    return x * 2, x.sum()


FIRST_ONLY = S.output("first", "fit", [S.case(torch.tensor([1.0, 2.0]))], transforms={"": "first_item"})


def test_first_item_compares_only_the_first_item():
    assert grade(FIRST_ONLY, {"fit": fit}, {"fit": lambda x: (x * 2, x.sum() * math.nan)}) is None
    assert grade(FIRST_ONLY, {"fit": fit}, {"fit": lambda x: (x * 3, x.sum())}).startswith(
        "fit: for an input of shape (2,), float32, 2 of 2 values differ")
    assert grade(FIRST_ONLY, {"fit": fit}, {"fit": stub}) == f"fit {NOT_IMPLEMENTED}"


class Box:
    def __init__(self, value):
        self.value = value


def test_labelled_calls_name_the_call_that_differs():
    check = S.output("kept", "make", [S.sequence(
        S.Call((torch.ones(2),), keep_as="box", label="making a box"),
        S.Call(target="$box.value", read_only=True, label="the value kept in the box"),
        label="a box")])
    right = {"make": lambda x: Box(x * 2)}
    assert grade(check, right, right) is None
    message = grade(check, right, {"make": lambda x: Box(x * 3)})
    assert message.startswith("make: for the value kept in the box, 2 of 2 values differ; first at [0]: expected 2, got 3")


# --- output over a judge-written function of a kept result (u2.9.q2, u2.9.q3) -----------------------
# The student's function returns something the check cannot compare with the reference's
# directly (any non-monotone state dict will do); a function the check writes turns it into
# what can be compared: the names and shapes of its tensors, whether y0 rises and falls.

def unit2_exercise(exercise_id: str):
    return next(s for s in load_exercises(ROOT / "solutions" / "unit2") if s.id == exercise_id)


def deep_state(first=(1.0, -1.0), second=(1.0, 1.0), biases=(0.0, 0.0)) -> dict:
    net = torch.nn.Sequential(torch.nn.Linear(784, 20), torch.nn.ReLU(), torch.nn.Linear(20, 10),
                              torch.nn.LogSoftmax(dim=1))
    state = {name: torch.zeros_like(t) for name, t in net.state_dict().items()}
    state["0.weight"][0, 0], state["0.weight"][1, 0] = first
    state["0.bias"][0], state["0.bias"][1] = biases
    state["2.weight"][0, 0], state["2.weight"][0, 1] = second
    return state


@pytest.fixture(scope="module")
def deep_checks():
    spec = unit2_exercise("u2.9.q2")
    return spec.check("keys and shapes"), spec.check("y0 falls and rises along x0")


def test_a_bent_y0_passes_wherever_the_kink_is(deep_checks):
    reference = {"non_monotone_state_dict": deep_state}
    for state in (deep_state(), deep_state(first=(3.0, -2.0), second=(-1.0, -1.0)),
                  deep_state(biases=(-0.5, 0.5))):  # kink moved to x0 = 0.5 by the biases
        for check in deep_checks:
            assert grade(check, reference, {"non_monotone_state_dict": lambda s=state: s}) is None


@pytest.mark.parametrize(("state", "says"), [
    (deep_state(second=(1.0, -1.0)), "expected True at ['falls by more than 1e-4 somewhere'], got False"),
    (deep_state(first=(0.001, -0.001), second=(0.001, 0.001)),
     "expected True at ['rises by more than 1e-4 somewhere'], got False"),
    ({k: v for k, v in deep_state().items() if k != "2.bias"}, "raised RuntimeError"),
])
def test_a_monotone_or_unloadable_y0_fails(deep_checks, state, says):
    message = grade(deep_checks[1], {"non_monotone_state_dict": deep_state}, {"non_monotone_state_dict": lambda: state})
    assert "for y0 = exp(output[:, 0]) of the deep network loaded with it, at 201 points x0 in [-1, 1]" in message
    assert says in message


@pytest.mark.parametrize(("state", "says"), [
    ({("fc." + k): v for k, v in deep_state().items()}, "the dict has no key '0.weight'"),
    ({**deep_state(), "0.weight": torch.zeros(784, 20)}, "expected '(20, 784)' at ['0.weight'], got '(784, 20)'"),
    ({**deep_state(), "2.bias": [0.0] * 10}, "expected '(10,)' at ['2.bias'], got 'not a tensor'"),
])
def test_wrong_names_or_shapes_are_named(deep_checks, state, says):
    message = grade(deep_checks[0], {"non_monotone_state_dict": deep_state}, {"non_monotone_state_dict": lambda: state})
    assert message.startswith("non_monotone_state_dict: for the names and shapes of its tensors")
    assert says in message


def test_state_dict_stub(deep_checks):
    for check in deep_checks:
        assert grade(check, {"non_monotone_state_dict": deep_state}, {"non_monotone_state_dict": stub}) == (
            f"non_monotone_state_dict {NOT_IMPLEMENTED}")


def collapse(W1, b1, W2, b2):
    return W2 @ W1, W2 @ b1 + b2


def test_one_linear_from_a_and_c_against_two():
    check = unit2_exercise("u2.9.q3").check("two layers against one")
    assert grade(check, {"collapse_affine": collapse}, {"collapse_affine": collapse}) is None
    assert grade(check, {"collapse_affine": collapse},
                 {"collapse_affine": lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1)}).startswith(
        "collapse_affine: for one nn.Linear(784, 10) built from (A, c), on 32 random float32 inputs")
    assert grade(check, {"collapse_affine": collapse}, {"collapse_affine": stub}) == f"collapse_affine {NOT_IMPLEMENTED}"
