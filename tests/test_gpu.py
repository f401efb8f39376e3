"""GPU tier (`pytest -m gpu`): training checks on CUDA inside sandboxed workers.

Skipped cleanly where no CUDA device exists. A tiny course with one training exercise is
built on the fly: the student's function trains on the GPU and returns CUDA tensors, the
judge compares them on the CPU with the reference's; then a batch grades several copies
at once, its workers sharing the one GPU.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")  # ask NVML, leave CUDA untouched here
import torch  # noqa: E402

# AUTOGRADER_GPU_TEST_DEVICE=cpu runs the same tests on the CPU, to check the tests themselves
DEVICE = os.environ.get("AUTOGRADER_GPU_TEST_DEVICE", "cuda")
pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(DEVICE == "cuda" and not torch.cuda.is_available(), reason="no CUDA device")]

TRAIN = '''
import torch


def train_linear(X, y, steps=100, lr=0.1, device="cuda"):
    ### BEGIN SOLUTION
    X, y = X.to(device), y.to(device)
    w = torch.zeros(X.shape[1], device=device, requires_grad=True)
    optimiser = torch.optim.SGD([w], lr=lr)
    for _ in range(steps):
        optimiser.zero_grad()
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        optimiser.step()
    return w.detach()
    ### END SOLUTION
'''

# the course's one exercise file, solutions/unit9/exercises/u9_1_q1/exercise.py
EXERCISE_FILE = '''
"""u9.1.q1: Linear regression trained on the GPU."""

from autograder.exercises import Exercise, case, output

EXERCISE = Exercise("u9.1.q1", "Linear regression trained on the GPU", ["train_linear"], checks=[
    output("trained weights", "train_linear",
           lambda d: [case(d.randn(256, 8), d.randn(256), 100, 0.1, "DEVICE"),
                      case(d.randn(64, 3), d.randn(64), 20, 0.05, "DEVICE")],
           rtol=1e-4, atol=1e-5),
])
'''


def make_course(root: Path) -> Path:
    (root / "solutions" / "unit9").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(TRAIN.strip())
    cell.metadata["nbgrader"] = {"grade_id": "u9.1.q1", "solution": True}
    nb.cells = [cell]
    nbformat.write(nb, str(root / "solutions" / "unit9" / "unit9.ipynb"))
    exercise = root / "solutions" / "unit9" / "exercises" / "u9_1_q1"
    exercise.mkdir(parents=True)
    (exercise / "exercise.py").write_text(textwrap.dedent(EXERCISE_FILE).lstrip().replace("DEVICE", DEVICE))
    (root / "grader.toml").write_text('[units.unit9]\ntitle = "GPU"\n[units.unit9.points]\n"u9.1.q1" = 10\n')
    return root


def autograder(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args, "--course", str(course)],
                          capture_output=True, text=True, timeout=600)


def test_training_check_runs_on_the_gpu_and_compares_on_the_cpu(tmp_path):
    course = make_course(tmp_path / "course")
    run = autograder(course, "check", "unit9", str(course / "solutions/unit9/unit9.ipynb"), "--hidden", "--json")
    assert run.returncode == 0, run.stderr
    assert '"score": 10.0' in run.stdout, run.stdout


def test_several_sandboxed_workers_share_one_gpu(tmp_path):
    import json

    course = make_course(tmp_path / "course")
    submissions = tmp_path / "class"
    for student in ("ada", "bo", "cy", "di"):
        (submissions / student).mkdir(parents=True)
        nbformat.write(nbformat.read(str(course / "solutions/unit9/unit9.ipynb"), as_version=4),
                       str(submissions / student / "unit9.ipynb"))
    from autograder.sandbox.local import bwrap_usable

    # grade refuses to run without a sandbox; a device machine may lack bubblewrap
    unsandboxed = [] if bwrap_usable() else ["--allow-reduced-isolation"]
    run = autograder(course, "grade", "unit9", str(submissions), "--out", str(tmp_path / "out"), "--jobs", "4",
                     *unsandboxed)
    assert run.returncode == 0, run.stderr
    records = [json.loads(p.read_text())["result"] for p in (tmp_path / "out/.autograder/records").glob("*.json")]
    assert len(records) == 4
    assert all(r["score"] == 10 for r in records), [r["exercises"][0]["summary"] for r in records]
    if DEVICE == "cuda":
        assert all("cuda" in r["environment"]["device"] for r in records)


LOOP = '''
import torch
import torch.nn.functional as F

def train_classifier(model, train_loader, test_loader, epochs, lr=0.1):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        for images, labels in train_loader:
            optimizer.zero_grad()
            F.nll_loss(model(images), labels).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            right = sum((model(x).argmax(1) == y).sum().item() for x, y in test_loader)
        history["test_acc"].append(right / len(test_loader.dataset))
    return history
'''


def test_fashion_training_checks_train_on_the_gpu(course_data, monkeypatch):
    """u2.8.q3's accuracy check at the catalogue's full budget: the judge builds the model and
    the loaders on the worker's GPU, the student's device-agnostic loop trains there."""
    import time

    from autograder.config.models import Limits
    from autograder.exercises.loader import load_exercises
    from autograder.judge.session import WorkerSession
    from autograder.notebook.plan import analyse
    from autograder.notebook.reading import code_cells
    from autograder.sandbox.local import LocalSandbox

    monkeypatch.setenv("AUTOGRADER_BUDGET", "full")
    root = Path(__file__).resolve().parents[1]
    spec = next(e for e in load_exercises(root / "solutions/unit2") if e.id == "u2.8.q3")
    plan, tensors = spec.check("accuracy after 5 epochs").plan(seed=7)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(LOOP)])
    cells = [analyse(c) for c in code_cells(notebook)]
    sandbox = LocalSandbox("auto", data_dir=course_data)
    session = WorkerSession(sandbox, Limits(cell_seconds=60, exercise_seconds=300, notebook_seconds=600),
                            cells, time.monotonic() + 600)
    try:
        started = time.monotonic()
        observed = session.run_case(plan.cases[0].steps, tensors, seed=7, timeout=300)
        seconds = time.monotonic() - started
    finally:
        session.close()
    assert observed.failure is None and observed.first_error() is None, observed.failure or observed.first_error()
    predictions = observed.result()
    expected = "cuda" if DEVICE == "cuda" else "cpu"
    assert predictions.device.startswith(expected), predictions.device
    labels = tensors[plan.cases[0].held]
    accuracy = (predictions.data.argmax(1) == labels).float().mean().item()
    print(f"u2.8.q3 full-budget training on {predictions.device}: {seconds:.1f} s, accuracy {accuracy:.3f}")
    assert accuracy >= plan.rule.full_at


@pytest.fixture
def course_data():
    from autograder.config.loader import find_course

    found = find_course(Path(__file__).resolve().parents[1])
    folder = found.data_dir if found else None
    if folder is None or not (folder / "FashionMNIST" / "raw").is_dir():
        pytest.skip("Fashion-MNIST is not available")
    os.environ.setdefault("AUTOGRADER_DATA", str(folder))
    return folder
