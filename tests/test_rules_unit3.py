"""The engine pieces added for unit 3, judged the way the grader judges them (see test_rules):
a per-call upstream gradient for grad checks (`Call(upstream=...)`), and the re-run
experiments `eggholder_run` and `adam_worse` (solutions/unit3/public/experiments.py). For each: a right answer
passes, a realistic mistake fails with the message a student reads, and a stub or an
unusable setting fails with a kind message."""

from __future__ import annotations

import importlib

import torch
from sklearn.datasets import make_blobs

from autograder.checks import Verdict
from autograder.exercises import spec as S
from autograder.exercises.loader import load_unit
from autograder.probes.helpers import HelperModules
from conftest import ROOT
import test_rules

F64 = torch.float64

# unit 3's own code, loaded as the judge loads it: its experiments and property register into
# UNIT3.registry, and the helpers its checks name are found in its fixture modules
UNIT3 = load_unit(ROOT / "solutions" / "unit3", "unit3")
experiments = importlib.import_module(f"{UNIT3.package}.public.experiments")
statistics = importlib.import_module(f"{UNIT3.package}.public.xavier_statistics")
eggholder, eggholder_descent, eggholder_gradient = (experiments.eggholder, experiments.eggholder_descent,
                                                    experiments.eggholder_gradient)


def fixture(module: str, name: str):
    """A helper of unit 3's fixture modules (public/fixtures/<module>.py), as the worker finds it."""
    return HelperModules(UNIT3.fixture_package)(module, name)


def verdict(check: S.CheckSpec, reference: dict | None, student: dict, seed: int = 1,
            timeout: float | None = None) -> Verdict:
    """test_rules.verdict with unit 3's registry and fixture modules."""
    return test_rules.verdict(check, reference, student, seed, timeout, UNIT3)


def grade(check: S.CheckSpec, reference: dict | None, student: dict, seed: int = 1,
          timeout: float | None = None) -> str | None:
    """The first failing case's message, or None when every case passes (test_rules.grade for
    unit 3's checks)."""
    outcome = verdict(check, reference, student, seed, timeout)
    return None if outcome.passed else outcome.message


# --- grad checks with an upstream gradient other than ones ---------------------------------

def standardise(x):
    return (x - x.mean(dim=0)) / x.std(dim=0)


def centre_only(x):
    return x - x.mean(dim=0)


X = torch.linspace(-1, 2, 12, dtype=F64).reshape(6, 2) ** 2
UPSTREAM = torch.linspace(-1, 1, 12, dtype=F64).reshape(6, 2).flip(0)


def test_an_upstream_gradient_tells_what_ones_cannot():
    # the column sums of a standardised or a centred input do not depend on the input, so an
    # upstream gradient of ones gives 0 for both and cannot tell them apart
    ones = S.grad("gradient", "f", [S.case(X)], wrt_args=[0])
    assert grade(ones, {"f": standardise}, {"f": centre_only}) is None
    with_upstream = S.grad("gradient", "f", [S.Case((S.Call((X,), upstream=UPSTREAM),))], wrt_args=[0])
    assert grade(with_upstream, {"f": standardise}, {"f": standardise}) is None
    message = grade(with_upstream, {"f": standardise}, {"f": centre_only})
    assert message.startswith("f: for an input of shape (6, 2), float64, the gradient with respect to input 0: ")


def test_upstream_is_part_of_the_plan_only_for_the_call_that_names_it():
    check = S.grad("gradient", "f", [S.sequence(S.Call((X,)), S.Call((X,), upstream=UPSTREAM))], wrt_args=[0])
    plan, tensors = check.plan(seed=1)
    first, second = plan.cases[0].steps
    assert first.observe.grads.upstream is None
    assert second.observe.grads.upstream is not None
    assert any(torch.equal(t, UPSTREAM) for t in tensors.values())
    # an output check ignores upstream: nothing is differentiated
    out = S.output("values", "f", [S.Case((S.Call((X,), upstream=UPSTREAM),))])
    assert out.plan(seed=1)[0].cases[0].steps[0].observe.grads is None


# --- eggholder_run -----------------------------------------------------------------------------

MIN_1 = [418.56, 171.04]
EGG = S.rerun("reaches", "RUN", "eggholder_run", targets=[MIN_1])


def test_eggholder_gradient_matches_autograd():
    generator = torch.Generator().manual_seed(0)
    for _ in range(20):
        w = ((torch.rand(2, generator=generator, dtype=F64) * 2 - 1) * 512).requires_grad_(True)
        eggholder(w).backward()
        torch.testing.assert_close(torch.tensor(eggholder_gradient(*w.tolist()), dtype=F64), w.grad,
                                   rtol=1e-10, atol=1e-12)


def test_eggholder_run_known_answers():
    assert abs(eggholder(torch.tensor([300.0, 135.0], dtype=F64)).item() - 404.3902) < 1e-4
    end = eggholder_descent([400.0, 130.0], 1.0, 10_000)
    assert (end - torch.tensor(MIN_1, dtype=F64)).norm() < 0.01
    ten = eggholder_descent([300.0, 135.0], 5.0, 6)
    torch.testing.assert_close(ten, torch.tensor([317.171, 230.469], dtype=F64), rtol=0, atol=1e-3)


def test_eggholder_run_passes_and_fails_with_readable_messages():
    assert grade(EGG, None, {"RUN": {"start": (400.0, 130.0), "lr": 1.0, "steps": 10_000}}) is None
    assert grade(EGG, None, {"RUN": {"start": [400, 130], "lr": 1, "steps": 10_000}}) is None
    message = grade(EGG, None, {"RUN": {"start": (300.0, 135.0), "lr": 5.0, "steps": 10}})
    assert message.startswith("RUN: 10 steps of gradient descent (lr 5) from (300, 135) end at (422.848, 137.614), ")
    assert message.endswith("away from the minimum (418.56, 171.04); it should end within 1 of it")
    assert grade(EGG, None, {"RUN": {"start": (400.0, 130.0), "lr": 1.0, "steps": 20_000}}) == (
        "RUN: 'steps' is 20000; at most 10,000 steps are allowed")
    assert grade(EGG, None, {"RUN": {"start": (400.0, 130.0), "steps": 10}}) == "RUN: the setting has no entry 'lr'"
    assert grade(EGG, None, {"RUN": (400.0, 130.0)}).startswith("RUN: expected a dict with keys 'start', 'lr', 'steps'")
    assert grade(EGG, None, {"RUN": None}) == "RUN has no answer yet"
    away = S.rerun("reaches", "RUN", "eggholder_run", targets=[MIN_1], min_start_distance=10.0)
    assert grade(away, None, {"RUN": {"start": (400.0, 130.0), "lr": 1.0, "steps": 10_000}}) is None
    assert grade(away, None, {"RUN": {"start": (418.0, 171.0), "lr": 1.0, "steps": 10}}) == (
        "RUN: the start (418, 171) is already within 10 of the minimum; start farther away and let gradient "
        "descent find it")
    assert grade(EGG, None, {"RUN": {"start": (400.0, 130.0), "lr": 1e6, "steps": 100}}).startswith(
        "RUN: 100 steps of gradient descent (lr 1e+06) from (400, 130) end at (1.34007e+11, 8.93456e+10), ")


# --- adam_worse --------------------------------------------------------------------------------

POINTS, LABELS = make_blobs(n_samples=100, n_features=2, centers=2, random_state=1)
ADAM = S.rerun("worse", "CFG", "adam_worse", X=POINTS.tolist(), Y=LABELS.astype(float).tolist(),
               scale=[2.5, 1.0], bias=5.0)


def test_adam_worse_passes_for_the_catalogue_example_and_fails_where_adam_wins():
    assert grade(ADAM, None, {"CFG": {"start": (-1.0, 1.0), "lr": 0.01, "momentum": 0.9, "steps": 100}}) is None
    message = grade(ADAM, None, {"CFG": {"start": (1.4, 1.4), "lr": 1.0, "momentum": 0.0, "steps": 100}})
    assert message.startswith("CFG: from (1.4, 1.4) with lr 1, 100 steps, Adam ends with cost 4.726e-07 and SGD "
                              "with momentum 0 with 0.0002337; ")
    assert message.endswith("Adam should end at least 1% + 0.0001 higher")
    assert grade(ADAM, None, {"CFG": {"start": (1.4, 1.4), "lr": 0.1, "momentum": 1.0, "steps": 5}}) == (
        "CFG: 'momentum' is 1; it should be in [0, 1)")
