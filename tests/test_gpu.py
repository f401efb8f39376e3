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

CHECKS = '''
import torch
from autograder.exercises import Exercise, case, output

EXERCISES = [Exercise("u9.1.q1", "Linear regression trained on the GPU", ["train_linear"], checks=[
    output("trained weights", "train_linear",
           lambda d: [case(d.randn(256, 8), d.randn(256), 100, 0.1, "DEVICE"),
                      case(d.randn(64, 3), d.randn(64), 20, 0.05, "DEVICE")],
           rtol=1e-4, atol=1e-5),
])]
'''


def make_course(root: Path) -> Path:
    (root / "solutions" / "unit9").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(TRAIN.strip())
    cell.metadata["nbgrader"] = {"grade_id": "u9.1.q1", "solution": True}
    nb.cells = [cell]
    nbformat.write(nb, str(root / "solutions" / "unit9" / "unit9.ipynb"))
    (root / "solutions" / "unit9" / "checks.py").write_text(textwrap.dedent(CHECKS).replace("DEVICE", DEVICE))
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
    run = autograder(course, "grade", "unit9", str(submissions), "--out", str(tmp_path / "out"), "--jobs", "4")
    assert run.returncode == 0, run.stderr
    records = [json.loads(p.read_text())["result"] for p in (tmp_path / "out/.autograder/records").glob("*.json")]
    assert len(records) == 4
    assert all(r["score"] == 10 for r in records), [r["exercises"][0]["summary"] for r in records]
    if DEVICE == "cuda":
        assert all("cuda" in r["environment"]["device"] for r in records)
