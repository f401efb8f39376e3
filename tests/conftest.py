"""Shared fixtures: the course checkout, a sandbox, and quick ways to grade notebooks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.validate import append_after_exercises
from autograder.config.loader import DATA_ENV, Course, find_course
from autograder.exercises.spec import BUDGET_ENV
from autograder.judge.checkset import HiddenCheckSet, PublicCheckSet
from autograder.judge.grader import GradingOptions, grade_notebook
from autograder.notebook.reading import read_notebook
from autograder.sandbox import held_out_view
from autograder.sandbox.local import LocalSandbox

ROOT = Path(__file__).resolve().parents[1]


_DATA = find_course(ROOT).data_dir if find_course(ROOT) else ROOT.parent / "shared" / "data"
# The judge pins the data folder for its process on the first course it loads; pin the real
# course's here, so a test that loads a course copied to a temporary folder cannot point every
# later test at a data folder that does not exist.
os.environ.setdefault(DATA_ENV, str(_DATA))
_FASHION = Path(os.environ[DATA_ENV]) / "FashionMNIST" / "raw"
# tests that read Fashion-MNIST skip, saying what is missing, where the data are not present
needs_fashion_mnist = pytest.mark.skipif(
    not (_FASHION / "train-images-idx3-ubyte").exists() or not (_FASHION / "t10k-labels-idx1-ubyte").exists(),
    reason=f"Fashion-MNIST is not in {_FASHION}: set AUTOGRADER_DATA to a folder in torchvision layout "
           "(see ../shared/data/README.md)",
)


# training checks run their small calibrated budget in the suite; tests marked `slow` (run with
# --runslow) and `autograder validate` use the exercises' full budget
os.environ.setdefault(BUDGET_ENV, "quick")


@pytest.fixture
def full_budget(monkeypatch):
    monkeypatch.setenv(BUDGET_ENV, "full")


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="also run full-budget checks")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="full-budget run: use --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def checks_module(unit: str):
    """A unit's exercise files, loaded as the judge loads them: `checks_module("unit2").u2_8_q3`
    is the module of u2.8.q3's exercise file (its cases, the pieces its checks send)."""
    import importlib
    from types import SimpleNamespace

    from autograder.exercises.loader import exercise_folder_name, load_unit

    code = load_unit(ROOT / "solutions" / unit, unit)
    return SimpleNamespace(**{exercise_folder_name(e.id): importlib.import_module(
        f"{code.package}.exercises.{exercise_folder_name(e.id)}.exercise") for e in code.exercises})


@pytest.fixture(scope="session")
def course() -> Course:
    found = find_course(ROOT)
    assert found is not None, "grader.toml missing at the project root"
    return found


@pytest.fixture(scope="session")
def sandbox(course) -> LocalSandbox:
    # the course's data sets, read-only and named by AUTOGRADER_DATA, as `grade` and `validate` give them
    # (the view of hidden grading: held-out test labels scrambled, which the checks must not need)
    view = held_out_view(course.data_dir)
    yield LocalSandbox(os.environ.get("AUTOGRADER_TEST_ISOLATION", "auto"),
                       data_dir=view / "data" if view else course.data_dir)
    if view is not None:
        shutil.rmtree(view, ignore_errors=True)


def _unit_fixtures(unit: str) -> dict:
    """hidden_<unit>, public_<unit> and solution_<unit>: one per session."""

    @pytest.fixture(scope="session", name=f"hidden_{unit}")
    def hidden(course) -> HiddenCheckSet:
        return HiddenCheckSet(course, unit)

    @pytest.fixture(scope="session", name=f"public_{unit}")
    def public(course) -> PublicCheckSet:
        return PublicCheckSet(course.assignments / unit / "checks")

    @pytest.fixture(scope="session", name=f"solution_{unit}")
    def solution(course) -> nbformat.NotebookNode:
        return read_notebook(course.solutions / unit / f"{unit}.ipynb")

    return {f"hidden_{unit}": hidden, f"public_{unit}": public, f"solution_{unit}": solution}


for _unit in ("unit1", "unit2", "unit3", "unit4", "unit5", "unit6", "unit7"):
    globals().update(_unit_fixtures(_unit))


@pytest.fixture
def grade(course, sandbox, tmp_path):
    """grade(notebook_or_path, checkset, only=None, **limits) -> NotebookResult"""

    def _grade(notebook, checkset, only=None, seed=7, **limit_overrides):
        if isinstance(notebook, nbformat.NotebookNode):
            path = tmp_path / f"nb-{len(list(tmp_path.iterdir()))}.ipynb"
            nbformat.write(notebook, str(path))
        else:
            path = Path(notebook)
        limits = course.config.limits.model_copy(update=limit_overrides)
        return grade_notebook(checkset, path, sandbox, GradingOptions(limits, only=only, seed=seed))

    return _grade


def with_code(solution: nbformat.NotebookNode, **code_by_exercise: str) -> nbformat.NotebookNode:
    """The solution notebook with extra code after exercises; keys use '_' for '.'."""
    return append_after_exercises(solution, {k.replace("_", "."): v for k, v in code_by_exercise.items()})


def notebook_of(*cells: str | tuple[str, str]) -> nbformat.NotebookNode:
    """A notebook of code cells; a (grade_id, source) pair makes an exercise cell."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        if isinstance(cell, tuple):
            grade_id, source = cell
            new = nbformat.v4.new_code_cell(source)
            new.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True, "grade": False, "locked": False}
        else:
            new = nbformat.v4.new_code_cell(cell)
        nb.cells.append(new)
    return nb


def exercise(result, exercise_id):
    return next(e for e in result.exercises if e.id == exercise_id)


def check_result(result, exercise_id, check_name):
    return next(c for c in exercise(result, exercise_id).checks if c.name == check_name)
