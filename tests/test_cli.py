"""The commands as users type them: exit codes, tables, Gradescope JSON, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, notebook_of

UNIT1_IDS = ["u1.1.q1", "u1.1.q2", "u1.2.q1", "u1.2.q2", "u1.3.q1", "u1.3.q2", "u1.4.q1", "u1.5.q1",
             "u1.6.q1", "u1.6.q2"]


def autograder(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(cwd)})


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory) -> Path:
    """A student's copy of the release, outside the course folder (no grader.toml)."""
    folder = tmp_path_factory.mktemp("student")
    shutil.copytree(ROOT / "assignments" / "unit1", folder, dirs_exist_ok=True)
    return folder


def test_check_solution_prints_full_marks():
    run = autograder("check", "unit1", "solutions/unit1/unit1.ipynb")
    assert run.returncode == 0, run.stderr
    assert "95 / 95" in run.stdout
    assert "for the TA" in run.stdout


def test_check_json_is_gradescope_results(student_folder):
    run = autograder("check", "unit1", "--json", cwd=student_folder)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert results["score"] == 0 and results["max_score"] == 95
    names = [t["name"] for t in results["tests"]]
    assert [n.split()[0] for n in names] == UNIT1_IDS
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output"}
        assert test["status"] == "failed"
        assert "not implemented yet" in test["output"] or "has no answer yet" in test["output"]


def test_check_without_a_path_grades_the_notebook_here(student_folder):
    run = autograder("check", "unit1", cwd=student_folder)
    assert run.returncode == 0, run.stderr
    assert "0 / 95" in run.stdout
    assert "negatives_to_inf is not implemented yet" in run.stdout


def test_only_one_exercise():
    run = autograder("check", "unit1", "solutions/unit1/unit1.ipynb", "--only", "u1.3.q1")
    assert run.returncode == 0, run.stderr
    assert "u1.3.q1" in run.stdout and "u1.1.q1" not in run.stdout


def test_hidden_checks_for_staff():
    run = autograder("check", "unit1", "samples/unit1/bob/unit1.ipynb", "--hidden", "--seed", "5")
    assert run.returncode == 0, run.stderr
    assert "hidden checks" in run.stdout
    assert "memory address" in run.stdout


@pytest.mark.parametrize(("content", "says"), [
    ("", "is empty"),
    ('{"cells": [', "is damaged: it is not valid JSON"),
    ('{"hello": 1}', "is not a Jupyter notebook"),
])
def test_unreadable_notebook_exits_1_with_a_message(tmp_path, content, says):
    path = tmp_path / "unit1.ipynb"
    path.write_text(content)
    shutil.copytree(ROOT / "assignments" / "unit1" / "checks", tmp_path / "checks")
    run = autograder("check", "unit1", str(path), cwd=tmp_path)
    assert run.returncode == 1
    assert says in run.stderr and str(path) in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert "0 / 95" in run.stdout


def test_missing_notebook_file(tmp_path):
    run = autograder("check", "unit1", str(tmp_path / "nope.ipynb"))
    assert run.returncode == 1
    assert "no such file" in run.stderr


def test_notebook_without_code_and_with_a_missing_exercise(tmp_path):
    empty = tmp_path / "empty.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), str(empty))
    run = autograder("check", "unit1", str(empty))
    assert run.returncode == 1 and "has no code cells" in run.stderr

    solution = nbformat.read(str(ROOT / "solutions/unit1/unit1.ipynb"), as_version=4)
    solution.cells = [c for c in solution.cells
                      if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "u1.3.q1"]
    partial = tmp_path / "partial.ipynb"
    nbformat.write(solution, str(partial))
    run = autograder("check", "unit1", str(partial))
    assert run.returncode == 0, run.stderr
    assert "no cell defines negatives_to_inf" in run.stdout
    assert "85 / 95" in run.stdout


def test_syntax_error_in_an_exercise_cell(tmp_path):
    notebook = notebook_of("import torch", ("u1.3.q1", "def negatives_to_inf(X)\n    return X\n"))
    path = tmp_path / "unit1.ipynb"
    nbformat.write(notebook, str(path))
    run = autograder("check", "unit1", str(path), "--only", "u1.3.q1")
    assert run.returncode == 0
    assert "syntax error at line 1" in run.stdout


@pytest.mark.parametrize(("args", "says"), [
    (["check", "unit9x"], "not a unit name"),
    (["check", "unit1", "solutions/unit1/unit1.ipynb", "--only", "u9.9.q9"], "has no exercise u9.9.q9"),
])
def test_usage_errors_exit_2(args, says):
    run = autograder(*args)
    assert run.returncode == 2
    assert says in run.stderr


def test_no_public_checks_beside_a_lone_notebook(tmp_path):
    path = tmp_path / "unit1.ipynb"
    shutil.copy(ROOT / "assignments/unit1/unit1.ipynb", path)
    run = autograder("check", "unit1", cwd=tmp_path)
    assert run.returncode == 2
    assert "no public checks for unit1" in run.stderr


def test_invalid_grader_toml_names_file_and_key(tmp_path):
    (tmp_path / "grader.toml").write_text('[limits]\ncell_seconds = "soon"\n')
    run = autograder("check", "unit1", "x.ipynb", cwd=tmp_path)
    assert run.returncode == 2
    assert "grader.toml" in run.stderr and "key limits.cell_seconds" in run.stderr


@pytest.mark.parametrize("entry, says", [
    ('"u1.1.q1" = 3', 'gives "u1.1.q1" 3 points, but'),
    ('"u1.9.q9" = 3', 'names "u1.9.q9", which is not an exercise of'),
])
def test_points_for_the_ta_need_a_part_for_the_ta(tmp_path, entry, says):
    # otherwise the report would say "for the TA:" with nothing after it
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / "unit1", course / "solutions" / "unit1")
    text = (ROOT / "grader.toml").read_text().replace("[units.unit1.manual_points]\n",
                                                      f"[units.unit1.manual_points]\n{entry}\n")
    (course / "grader.toml").write_text(text)
    run = autograder("validate", "unit1", cwd=course)
    assert run.returncode != 0
    message = " ".join(run.stderr.split())
    assert "grader.toml: key units.unit1.manual_points" in message and says in message, run.stderr
    assert "Traceback" not in run.stderr


def test_assign_regenerates_the_same_student_notebook(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    for part in ("grader.toml", "solutions"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, course / part)
    run = autograder("assign", "unit1", cwd=course)
    assert run.returncode == 0, run.stderr
    generated = (course / "assignments/unit1/unit1.ipynb").read_text()
    assert generated == (ROOT / "assignments/unit1/unit1.ipynb").read_text()
    assert "BEGIN SOLUTION" not in generated and "torch.full_like" not in generated
    assert (course / "assignments/unit1/checks/checks.json").is_file()


def test_in_notebook_check_shows_the_cli_verdicts(student_folder, capsys):
    from autograder import check

    check("u1.3.q1", notebook=str(student_folder / "unit1.ipynb"))
    shown = capsys.readouterr().out
    assert "u1.3.q1" in shown and "negatives_to_inf is not implemented yet" in shown
    assert "u1.1.q1" not in shown


def test_check_in_a_real_jupyter_kernel(student_folder, tmp_path):
    """check() in a notebook run by a Jupyter kernel grades the saved UNIT.ipynb beside it."""
    import nbclient

    probe = nbformat.v4.new_notebook()
    probe.cells = [nbformat.v4.new_code_cell('from autograder import check\ncheck("u1.3.q1")')]
    client = nbclient.NotebookClient(probe, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(student_folder)}})
    client.execute()
    shown = json.dumps(probe.cells[0].outputs)
    assert "u1.3.q1" in shown and "negatives_to_inf is not implemented yet" in shown
    assert "Traceback" not in shown


def test_results_record_torch_device_and_precision(tmp_path):
    import json

    run = subprocess.run([sys.executable, "-m", "autograder", "check", "unit1",
                          str(ROOT / "solutions" / "unit1" / "unit1.ipynb"), "--json", "--only", "u1.6.q1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    output = json.loads(run.stdout)["output"]
    assert "graded with torch " in output and " on cpu" in output
    assert "TF32 off" in output and "deterministic cuDNN" in output
