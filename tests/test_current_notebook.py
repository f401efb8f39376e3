"""Which notebook `check()` grades, in each front end students use: Colab (through a stand-in
for its `google.colab._message` module, tests/colab_standin), VS Code, JupyterLab and classic
Jupyter, a plain folder; and what it says when it cannot tell."""

from __future__ import annotations

import importlib
import json
import shutil
import sys

import pytest

from autograder import check
from autograder.cli.current_notebook import NotebookNotFound, find_current_notebook
from conftest import ROOT

STANDIN = ROOT / "tests" / "colab_standin"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A working folder with the unit's checks and no notebook, and no front end's hints."""
    shutil.copytree(ROOT / "assignments" / "unit1" / "checks", tmp_path / "checks")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return tmp_path


@pytest.fixture
def colab(elsewhere, monkeypatch):
    """Colab's kernel: `google.colab` imported, its front end played by the stand-in."""
    monkeypatch.syspath_prepend(str(STANDIN))
    for name in ("google.colab._message", "google.colab"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    importlib.import_module("google.colab")
    message = importlib.import_module("google.colab._message")
    message.REQUESTS.clear()
    yield message
    for name in ("google.colab._message", "google.colab"):
        sys.modules.pop(name, None)


@pytest.fixture
def ipython_namespace():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    yield shell.user_ns
    InteractiveShell.clear_instance()


def test_in_colab_check_grades_the_notebook_as_it_is_open(colab, capsys):
    colab.OPEN_NOTEBOOK = json.loads((ROOT / "solutions" / "unit1" / "unit1.ipynb").read_text())
    check("u1.3.q1")
    shown = capsys.readouterr().out
    assert [r[0] for r in colab.REQUESTS] == ["get_ipynb"]
    assert "u1.3.q1" in shown and "10 / 10" in shown, shown
    assert "graded the notebook as it is open in Colab now" in shown


def test_when_colab_sends_nothing_the_message_says_how_to_pass_the_notebook(colab, capsys):
    colab.OPEN_NOTEBOOK = None
    check("u1.3.q1")
    shown = " ".join(capsys.readouterr().out.split())
    assert "Colab did not send the notebook within 10 s" in shown
    assert 'check("u1.3.q1", notebook="path/to/unit1.ipynb")' in shown


def test_in_vs_code_the_kernel_names_the_file(elsewhere, tmp_path_factory, ipython_namespace):
    mine = tmp_path_factory.mktemp("vscode") / "unit1 copy.ipynb"
    shutil.copy(ROOT / "assignments" / "unit1" / "unit1.ipynb", mine)
    ipython_namespace["__vsc_ipynb_file__"] = str(mine)
    found = find_current_notebook("unit1", "u1.3.q1")
    assert (found.path, found.source) == (mine, "vscode")


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative to the server"])
def test_in_jupyter_the_session_names_the_file(elsewhere, monkeypatch, relative):
    mine = elsewhere / "unit1 (1).ipynb"
    shutil.copy(ROOT / "assignments" / "unit1" / "unit1.ipynb", mine)
    monkeypatch.setenv("JPY_SESSION_NAME", f"course/{mine.name}" if relative else str(mine))
    found = find_current_notebook("unit1", "u1.3.q1")
    assert (found.path, found.source) == (mine.resolve(), "jupyter")


def test_without_hints_the_unit_notebook_in_the_working_folder(elsewhere):
    shutil.copy(ROOT / "assignments" / "unit1" / "unit1.ipynb", elsewhere / "unit1.ipynb")
    found = find_current_notebook("unit1")
    assert (found.path, found.source) == ((elsewhere / "unit1.ipynb").resolve(), "working folder")


def test_a_notebook_nowhere_to_be_found_is_explained(elsewhere, capsys):
    with pytest.raises(NotebookNotFound, match="pass it"):
        find_current_notebook("unit1", "u1.3.q1")
    check("u1.3.q1")
    shown = " ".join(capsys.readouterr().out.split())
    assert "could not find this notebook's file" in shown
    assert 'check("u1.3.q1", notebook="path/to/unit1.ipynb")' in shown
