"""u2.8.q3, the training loop, checked in this process (the unit tests grade it in the
sandbox): the judge-built model and loaders give the reference and the student the same
start and batches, so the first steps, the per-epoch evaluation and the history compare
exactly; correct loops written differently earn full marks."""

from __future__ import annotations

import nbformat
import pytest
import torch
import torch.nn.functional as F

from autograder.config.loader import DATA_ENV
from autograder.exercises.loader import load_exercises
import test_rules_unit3
from conftest import ROOT, needs_fashion_mnist
from test_rules_unit2 import grade

pytestmark = needs_fashion_mnist

SPEC = next(e for e in load_exercises(ROOT / "solutions" / "unit2") if e.id == "u2.8.q3")
FAST = ["first steps", "evaluation after each epoch", "the history"]


def reference_loop() -> str:
    """The catalogue's loop: the reference notebook's train_classifier cell."""
    notebook = nbformat.read(str(ROOT / "solutions" / "unit2" / "unit2.ipynb"), as_version=4)
    return next(c.source for c in notebook.cells if c.cell_type == "code" and "def train_classifier(" in c.source)


def loop(source: str):
    namespace = {"torch": torch, "F": F, "nn": torch.nn}
    exec(source, namespace)  # noqa: S102 - the catalogue's own variants
    return namespace["train_classifier"]


@pytest.fixture(autouse=True)
def data_in_this_process(course, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(course.data_dir))


@pytest.fixture(scope="module")
def reference():
    return {"train_classifier": loop(reference_loop())}


# --- written differently, still right ------------------------------------------------------

BY_HAND = '''
def train_classifier(model, train_loader, test_loader, epochs, lr=0.1):
    history = {key: [] for key in ("train_loss", "train_acc", "test_loss", "test_acc")}
    for epoch in range(epochs):
        model.train()
        losses, hits, count = [], 0, 0
        for x, y in train_loader:
            for p in model.parameters():
                p.grad = None
            log_p = model(x)
            loss = torch.nn.NLLLoss()(log_p, y)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(loss.item())
            hits += int((log_p.argmax(1) == y).sum())
            count += len(y)
        history["train_loss"].append(sum(losses) / len(losses))   # the mean of batch means
        history["train_acc"].append(hits / count)
        model.eval()
        with torch.no_grad():
            pairs = [(model(x), y) for x, y in test_loader]
        log_p = torch.cat([p for p, _ in pairs])
        y = torch.cat([t for _, t in pairs])
        history["test_loss"].append(F.nll_loss(log_p, y).item())
        history["test_acc"].append((log_p.argmax(1) == y).float().mean().item())
    return history
'''


@pytest.mark.parametrize("name", FAST)
def test_the_reference_passes(reference, name):
    assert grade(SPEC.check(name), reference, reference) is None


@pytest.mark.parametrize("name", FAST)
def test_a_loop_written_differently_passes(reference, name):
    assert grade(SPEC.check(name), reference, {"train_classifier": loop(BY_HAND)}) is None


def test_the_mode_record_catches_evaluation_with_gradients(reference):
    graded = loop(reference_loop().replace("        with torch.no_grad():\n", "        if True:\n"))
    message = grade(SPEC.check("evaluation after each epoch"), reference, {"train_classifier": graded})
    # the 6 test batches of the two epochs ran with gradients: none counts as evaluated properly
    assert message and "expected 6 at ['test batches (eval mode, no grad)'], got 0" in message


def test_the_accuracy_check_scores_the_trained_model_on_held_out_pictures(reference):
    message = grade(SPEC.check("accuracy after 5 epochs"), None, {"train_classifier": loop(BY_HAND)})
    assert message is None


@pytest.mark.slow
def test_the_full_budget_reaches_the_bar_with_a_loop_written_differently(reference, full_budget):
    plan, _ = SPEC.check("accuracy after 5 epochs").plan(seed=3)
    assert plan.rule.full_at == 0.78 and "60,000 training pictures" in plan.cases[0].label
    message = grade(SPEC.check("accuracy after 5 epochs"), None, {"train_classifier": loop(BY_HAND)}, seed=3)
    assert message is None


def test_an_untrained_model_earns_nothing_from_the_accuracy_check():
    def skips_training(model, train_loader, test_loader, epochs, lr=0.1):
        return {k: [0.0] * epochs for k in ("train_loss", "train_acc", "test_loss", "test_acc")}

    message = grade(SPEC.check("accuracy after 5 epochs"), None, {"train_classifier": skips_training})
    assert message is not None and getattr(message, "fraction", 0.0) == 0.0
    assert "perturbed held-out test pictures" in message and "full marks from 68%" in message  # the quick bars


# --- u3.3.q2: the same loop with a decaying rate ------------------------------------------------

@pytest.fixture(scope="module")
def decay_spec():
    return next(e for e in load_exercises(ROOT / "solutions" / "unit3") if e.id == "u3.3.q2")


WITH_DECAY_BY_HAND = '''
def train_classifier(model, train_loader, test_loader, epochs, lr=0.1, scheduler=None):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    schedule = scheduler(optimizer) if scheduler else None
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for epoch in range(epochs):
        model.train()
        for x, y in train_loader:
            optimizer.zero_grad()
            torch.nn.NLLLoss()(model(x), y).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            hits = sum(int((model(x).argmax(1) == y).sum()) for x, y in test_loader)
        for key in history:
            history[key].append(hits / 1000)
        if schedule:
            schedule.step()
    return history
'''


def test_a_decaying_loop_written_differently_earns_the_accuracy_points(decay_spec):
    message = test_rules_unit3.grade(decay_spec.check("accuracy with decay"), None,
                                     {"train_classifier": loop(WITH_DECAY_BY_HAND)})
    assert message is None


def test_a_decaying_loop_that_steps_per_batch_loses_accuracy_points(decay_spec):
    stepping_per_batch = WITH_DECAY_BY_HAND.replace(
        "            optimizer.step()\n", "            optimizer.step()\n            if schedule:\n                schedule.step()\n")
    message = test_rules_unit3.grade(decay_spec.check("accuracy with decay"), None,
                                     {"train_classifier": loop(stepping_per_batch)})
    assert message is not None and "full marks from 68%" in message  # 0.9 ** 375: the rate dies after a few batches
