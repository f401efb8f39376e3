"""The portable mode, where students work without a sandbox: Windows and macOS, run here by
forcing it on Linux.

tests/no_unix/sitecustomize.py makes a Python look like Windows to the grader's modules (no
`resource`, `fcntl`, `os.fork`, SIGALRM timers or Unix sockets); with that folder on
PYTHONPATH the judge and its spawned worker both start that way. What Windows and macOS
themselves do differently (Job Objects, a pipe's buffering, Accelerate) is not run here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.judge.grader import GradingOptions, grade_notebook
from autograder.config.models import SandboxConfig
from autograder.sandbox import create_sandbox
from autograder.sandbox.portable import REDUCED, PortableSandbox
from conftest import ROOT, exercise, with_code

NO_UNIX = ROOT / "tests" / "no_unix"
# modules for the TA's and CI's Linux machines, which `autograder check` never imports
UNIX_ONLY = {
    "autograder.sandbox.local", "autograder.sandbox.uids", "autograder.sandbox.workers", "autograder.sandbox.docker",
    "autograder.worker.zygote",
}
PRETENDING = ("import os, signal\n"
              "assert not hasattr(os, 'fork') and not hasattr(signal, 'setitimer'), 'the worker has Unix'\n")


def no_unix_env(**extra: str) -> dict[str, str]:
    """An environment whose Pythons pretend to be Windows, with no bubblewrap on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PATH")}
    env.update(PYTHONPATH=os.pathsep.join([str(NO_UNIX), str(ROOT)]), PATH=str(NO_UNIX), COLUMNS="200", **extra)
    return env


def test_the_no_unix_python_refuses_what_windows_lacks():
    probe = ("import os, signal, socket\n"
             "from autograder.sandbox import portable\n"
             "assert not hasattr(os, 'fork') and not hasattr(signal, 'setitimer')\n"
             "try:\n    import autograder.sandbox.local\nexcept ModuleNotFoundError as exc:\n    print('refused:', exc.name)\n")
    run = subprocess.run([sys.executable, "-c", probe], env=no_unix_env(), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "refused: resource" in run.stdout


def test_every_module_outside_the_linux_backends_imports_without_unix():
    lister = ("import importlib, pkgutil, autograder\n"
              "for info in pkgutil.walk_packages(autograder.__path__, 'autograder.'):\n"
              "    if info.name.endswith('__main__'):\n        continue\n"
              "    try:\n        importlib.import_module(info.name)\n"
              "    except Exception as exc:\n        print(info.name, repr(exc))\n"
              "    else:\n        print(info.name, 'ok')\n")
    run = subprocess.run([sys.executable, "-c", lister], env=no_unix_env(), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    outcomes = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    assert "autograder.sandbox.portable" in outcomes and "autograder.cli.inline" in outcomes
    failed = {name: why for name, why in outcomes.items() if why != "ok" and name not in UNIX_ONLY}
    assert failed == {}


def test_check_grades_the_solution_where_unix_is_missing(tmp_path, solution_unit1):
    notebook = with_code(solution_unit1, u1_1_q1=PRETENDING)
    path = tmp_path / "unit1.ipynb"
    nbformat.write(notebook, str(path))
    run = subprocess.run([sys.executable, "-m", "autograder", "check", "unit1", str(path), "--backend", "portable",
                          "--course", str(ROOT)], env=no_unix_env(), cwd=tmp_path, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert "95 / 95" in run.stdout, run.stdout
    assert REDUCED in " ".join(run.stdout.split()), run.stdout


def test_local_means_portable_off_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert isinstance(create_sandbox(SandboxConfig(backend="local")), PortableSandbox)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert isinstance(create_sandbox(SandboxConfig(backend="local")), PortableSandbox)


# -- limits enforced from outside ---------------------------------------------------------------

ENDLESS_CELL = '''
while True:  # swallows whatever the worker could raise in itself: only the judge can stop it
    try:
        while True:
            pass
    except BaseException:
        pass

def odd_index_slice(X, shape=(2, 5, 10)):
    return X.reshape(shape)[1::2, 1::2, 1::2]
'''

ENDLESS_FUNCTION = '''
def negatives_to_inf(X):
    while True:
        pass
'''

HOG_IN_CELL = '''
HOG = torch.ones(2**31, dtype=torch.uint8)  # 2 GiB against a 512 MiB limit

def backward_twice(retain_graph):
    return None
'''

LIMITS = dict(cell_seconds=3, exercise_seconds=8, notebook_seconds=180, memory_mib=512, restarts=6)
RUNAWAY_IDS = ["u1.1.q1", "u1.3.q1", "u1.3.q2", "u1.5.q1", "u1.6.q1", "u1.6.q2"]


@pytest.fixture(scope="module")
def runaway(course, solution_unit1, public_unit1, tmp_path_factory):
    """The solution with an endless cell, an endless function and a memory hog, graded with
    the public checks by a worker that has neither SIGALRM nor resource limits."""
    notebook = with_code(solution_unit1, u1_1_q1=PRETENDING, u1_3_q1=ENDLESS_FUNCTION, u1_3_q2=ENDLESS_CELL,
                         u1_6_q1=HOG_IN_CELL)
    path = tmp_path_factory.mktemp("portable") / "unit1.ipynb"
    nbformat.write(notebook, str(path))
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(NO_UNIX)  # the spawned workers pretend to be Windows
    try:
        sandbox = PortableSandbox()
        limits = course.config.limits.model_copy(update=LIMITS)
        result = grade_notebook(public_unit1, path, sandbox, GradingOptions(limits, only=RUNAWAY_IDS, seed=7))
        sandbox.close()
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = saved
    return result


def test_an_endless_cell_is_ended_by_the_judge_and_left_out(runaway):
    graded = exercise(runaway, "u1.3.q2")
    assert graded.points == 0
    assert any("did not finish within 3 s" in note for note in graded.notes), graded.notes


def test_an_endless_function_costs_its_exercise_only(runaway):
    graded = exercise(runaway, "u1.3.q1")
    assert graded.points == 0
    assert "did not finish" in graded.checks[0].message, graded.checks[0].message


def test_a_memory_hog_is_ended_at_the_limit_and_left_out(runaway):
    graded = exercise(runaway, "u1.6.q1")  # the cell before it, with the course's definition, still counts
    assert any("memory limit exceeded (512 MiB)" in note for note in graded.notes), graded.notes


def test_the_other_exercises_keep_full_marks_and_the_report_says_reduced_isolation(runaway):
    for exercise_id in ("u1.1.q1", "u1.5.q1", "u1.6.q2"):
        graded = exercise(runaway, exercise_id)
        assert graded.points == graded.max_points > 0, f"{exercise_id}: {graded.summary} {graded.notes}"
    assert runaway.environment.reduced_isolation
    assert runaway.environment.isolation.startswith(REDUCED)


def test_no_worker_outlives_its_check(runaway):
    import psutil

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = [p for p in psutil.Process().children(recursive=True) if "autograder.worker" in " ".join(_cmdline(p))]
        if not left:
            return
        time.sleep(0.2)
    pytest.fail(f"workers still running: {left}")


def _cmdline(process) -> list[str]:
    try:
        return process.cmdline()
    except Exception:  # noqa: BLE001 - gone meanwhile
        return []


def test_grade_refuses_reduced_isolation_unless_told(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    text = (ROOT / "grader.toml").read_text().replace('isolation = "auto"', 'isolation = "none"')
    (course / "grader.toml").write_text(text)
    (course / "solutions").symlink_to(ROOT / "solutions")
    submissions = tmp_path / "submissions"
    (submissions / "erin").mkdir(parents=True)
    (submissions / "erin" / "unit1.ipynb").write_bytes((ROOT / "samples/unit1/erin/unit1.ipynb").read_bytes())
    command = [sys.executable, "-m", "autograder", "grade", "unit1", str(submissions), "--course", str(course)]
    refused = subprocess.run([*command, "--out", str(tmp_path / "refused")], capture_output=True, text=True,
                             timeout=300)
    assert refused.returncode == 2
    assert "--allow-reduced-isolation" in refused.stderr and "bubblewrap" in refused.stderr
    assert not (tmp_path / "refused" / "grades.csv").exists()
    allowed = subprocess.run([*command, "--out", str(tmp_path / "allowed"), "--allow-reduced-isolation"],
                             capture_output=True, text=True, timeout=300)
    assert allowed.returncode == 0, allowed.stderr
    assert "reduced isolation" in allowed.stderr
    assert (tmp_path / "allowed" / "grades.csv").is_file()
