"""Dependency-isolating credit: one mistake is not counted twice.

u2.3.q5's trainer may call the student's `calc_dC_analytic` (u2.3.q4). When that function is
wrong, hidden grading runs the trainer's failed checks again with the course's function
standing in, through a proxy whose calls the judge answers: the trainer earns its points if
it is right apart from the dependency, and the feedback says so. Gradients flow through a
proxied call too (a training loop over a proxied loss)."""

from __future__ import annotations

import time

import nbformat
import pytest
import torch

from autograder.authoring.validate import append_after_exercises
from autograder.judge.grader import GradingOptions, grade_notebook
from autograder.judge.proxies import ProxyServer
from autograder.judge.session import WorkerSession
from autograder.notebook.plan import analyse
from autograder.notebook.reading import code_cells
from autograder.exercises import spec as S
from autograder.protocol.messages import ModuleSource
from conftest import ROOT, check_result, exercise

WRONG_GRADIENT = (
    "def calc_dC_analytic(w, b, X, Y):\n"
    "    y = torch.sigmoid(X @ w + b)\n"
    "    inputs = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)\n"
    "    return ((Y - y)[:, None] * inputs).mean(dim=0)  # the sign is wrong\n"
)
TRAINER_USING_IT = (
    "def train_neuron_vectorized(X, Y, w, b, alpha, iters):\n"
    "    if X.ndim != 2 or w.shape != (X.shape[1],):\n"
    "        raise ValueError('w does not match X')\n"
    "    b = float(b)\n"
    "    costs = torch.empty(iters, dtype=X.dtype)\n"
    "    for i in range(iters):\n"
    "        z = X @ w + b\n"
    "        costs[i] = (F.softplus(z) - Y * z).mean()\n"
    "        grad = calc_dC_analytic(w, b, X, Y)\n"
    "        w, b = w - alpha * grad[:-1], b - alpha * grad[-1].item()\n"
    "    return w, b, costs\n"
)


@pytest.fixture(scope="module")
def graded(course, sandbox, solution_unit2, hidden_unit2, public_unit2, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dependency")

    def run(code: dict[str, str], checkset):
        path = folder / f"nb{len(list(folder.iterdir()))}.ipynb"
        nbformat.write(append_after_exercises(solution_unit2, code), str(path))
        options = GradingOptions(course.config.limits, only=["u2.3.q4", "u2.3.q5"], seed=5)
        return grade_notebook(checkset, path, sandbox, options)

    wrong_dependency = {"u2.3.q4": WRONG_GRADIENT, "u2.3.q5": TRAINER_USING_IT}
    return {
        "hidden": run(wrong_dependency, hidden_unit2),
        "public": run(wrong_dependency, public_unit2),
        "own mistake too": run({"u2.3.q4": WRONG_GRADIENT,
                                "u2.3.q5": TRAINER_USING_IT.replace("w - alpha * grad", "w - 2 * alpha * grad")},
                               hidden_unit2),
        "right dependency": run({"u2.3.q5": TRAINER_USING_IT}, hidden_unit2),
    }


def test_the_wrong_dependency_loses_its_points_where_it_is_asked(graded):
    assert exercise(graded["hidden"], "u2.3.q4").points < exercise(graded["hidden"], "u2.3.q4").max_points


def test_the_trainer_is_graded_again_with_the_course_function_and_says_so(graded):
    trainer = exercise(graded["hidden"], "u2.3.q5")
    checked = check_result(graded["hidden"], "u2.3.q5", "against the reference")
    assert checked.passed and checked.points == checked.max_points
    assert "with the course's calc_dC_analytic in place of yours" in checked.message
    assert any("counted once" in note and "u2.3.q4" in note for note in trainer.notes)
    assert all(c.passed for c in trainer.checks if c.kind != "perf")  # (timing depends on the machine's load)


def test_nothing_of_the_reference_reaches_the_feedback(graded, course):
    reference_body = "((y - Y)[:, None] * inputs).mean(dim=0)"
    assert reference_body not in graded["hidden"].model_dump_json()
    assert "BEGIN SOLUTION" not in graded["hidden"].model_dump_json()


def test_a_mistake_of_the_trainer_itself_still_costs_its_points(graded):
    checked = check_result(graded["own mistake too"], "u2.3.q5", "against the reference")
    assert not checked.passed and checked.points == 0
    assert "differ" in checked.message
    assert "also with the course's calc_dC_analytic standing in for yours: the mistake is here too" in checked.message


def test_a_right_dependency_needs_no_second_pass(graded):
    trainer = exercise(graded["right dependency"], "u2.3.q5")
    # (the timing check is left out: a call per step can be slow on a busy machine)
    assert all(c.passed and not c.message for c in trainer.checks if c.kind != "perf")
    assert not any("counted once" in note for note in trainer.notes)


def test_public_checks_point_to_the_exercise_to_fix_first(graded):
    trainer = exercise(graded["public"], "u2.3.q5")
    assert trainer.points < trainer.max_points  # no reference on a student's machine to stand in
    assert any("calc_dC_analytic, which lost points in u2.3.q4: fix that first" in n for n in trainer.notes)


# --- gradients through a proxied call, in a real worker ------------------------------------

NOTEBOOK = '''
import torch

def my_loss(prediction, target):
    return ((prediction - target) ** 2).sum()  # should be the mean

def train(model, X, Y, steps):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(steps):
        optimizer.zero_grad()
        my_loss(model(X), Y).backward()
        optimizer.step()
    return model
'''


def course_loss(prediction, target):
    return ((prediction - target) ** 2).mean()


def reference_train(X, Y, steps):
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(steps):
        optimizer.zero_grad()
        course_loss(model(X), Y).backward()
        optimizer.step()
    return model.weight.detach()


# the worker-side helper the training case names, sent to the worker as a unit's fixture modules are
_SEEDED = ROOT / "tests" / "worker_fixtures" / "seeded_models.py"
SEEDED_MODELS = ModuleSource(name="seeded_models", filename=str(_SEEDED), source=_SEEDED.read_text(encoding="utf-8"))


def _training_case(X, Y) -> tuple:
    case = S.sequence(
        S.fixture("seeded_models.linear", 0, 3, 1, keep_as="model", label="a seeded model"),
        S.Call((S.kept("model"), X, Y, 5), target="train", quiet=True, label="five steps"),
        S.Call(target="$model.weight", read_only=True, label="the weight"),
    )
    check = S.output("trained weight", "train", [case])
    plan, tensors = check.plan(seed=1)
    return plan.cases[0].steps, tensors


@pytest.fixture
def worker_session(course, sandbox, tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(NOTEBOOK)])
    cells = [analyse(c) for c in code_cells(notebook)]
    session = WorkerSession(sandbox, course.config.limits, cells, time.monotonic() + 120, modules=[SEEDED_MODELS])
    yield session
    session.close()


def test_gradients_flow_back_through_a_proxied_loss(worker_session):
    g = torch.Generator().manual_seed(4)
    X, Y = torch.randn(8, 3, generator=g), torch.randn(8, 1, generator=g)
    steps, tensors = _training_case(X, Y)
    own = worker_session.run_case(steps, tensors, seed=1, timeout=30, group="own")
    proxy = ProxyServer({"my_loss": course_loss})
    stood_in = worker_session.run_case(steps, tensors, seed=1, timeout=30, group="proxied", proxy=proxy)
    expected = reference_train(X, Y, 5)
    assert not torch.allclose(own.result(-1).data, expected, atol=1e-4)  # the student's sum trains differently
    assert torch.allclose(stood_in.result(-1).data, expected, atol=1e-6)
    assert proxy.calls == 10  # five forward calls and five backward calls answered by the judge


def test_a_failing_course_function_gives_a_fixed_sentence(worker_session):
    def broken(prediction, target):
        raise ValueError("secret reference detail")

    steps, tensors = _training_case(torch.randn(8, 3), torch.randn(8, 1))
    observed = worker_session.run_case(steps, tensors, seed=1, timeout=30, group="proxied",
                                       proxy=ProxyServer({"my_loss": broken}))
    error = observed.error(1)
    assert error is not None and "could not be computed" in error.message
    assert "secret" not in observed.outcomes[1].model_dump_json()


# --- within one exercise: gd_eggholder calls the exercise's own eggholder -------------------------

WRONG_SURFACE = ("def eggholder(w0, w1):\n"
                 "    return (-(w1 + 47) * torch.sin(torch.sqrt(torch.abs(w1 + w0 + 47)))  # w0, not w0 / 2\n"
                 "            - w0 * torch.sin(torch.sqrt(torch.abs(w0 - (w1 + 47)))))\n")


def test_a_wrong_function_of_the_same_exercise_is_counted_once(course, sandbox, solution_unit3, hidden_unit3,
                                                                tmp_path):
    path = tmp_path / "unit3.ipynb"
    nbformat.write(append_after_exercises(solution_unit3, {"u3.2.q1": WRONG_SURFACE}), str(path))
    graded = grade_notebook(hidden_unit3, path, sandbox,
                            GradingOptions(course.config.limits, only=["u3.2.q1", "u3.3.q1"], seed=5))
    assert not check_result(graded, "u3.2.q1", "eggholder in float64").passed
    trajectory = check_result(graded, "u3.2.q1", "gradient descent trajectory")
    assert trajectory.passed and "with the course's eggholder in place of yours" in trajectory.message
    decayed = check_result(graded, "u3.3.q1", "trajectory with a decaying rate")
    assert decayed.passed and "yours lost points in u3.2.q1" in decayed.message
    # the surface itself is never stood in for while it is the function under check
    assert not check_result(graded, "u3.2.q1", "gradient of eggholder").passed
