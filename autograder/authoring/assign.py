"""`autograder assign UNIT`: the student release, generated from the solution notebook.

A list of small steps, each a function from notebook to notebook (as nbgrader's
preprocessors are), then the public check data computed with the live reference.
"""

from __future__ import annotations

import copy
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat
import torch

from autograder.authoring.stubs import strip_hidden, strip_solutions
from autograder.checks.answer import AnswerRule, hash_leaves
from autograder.config.loader import Course
from autograder.exercises.loader import PUBLIC
from autograder.exercises.public import PublicCheck, PublicData, PublicExercise, write_public
from autograder.judge.checkset import HiddenCheckSet
from autograder.notebook.reading import read_notebook
from autograder.protocol.codec import Encoder
from autograder.protocol.messages import StepOutcome

PUBLIC_SEED = 2026
Step = Callable[[nbformat.NotebookNode], nbformat.NotebookNode]


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def clear_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def remove_hidden(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.cells = [c for c in nb.cells if "hidden" not in c.get("metadata", {}).get("tags", [])]
    for index, cell in enumerate(nb.cells):
        cell.source = strip_hidden(cell.source, f"cell {index + 1}")
    return nb


def replace_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and _nbgrader(cell).get("solution"):
            cell.source = strip_solutions(cell.source, f"cell {index + 1} ({_nbgrader(cell).get('grade_id')})")
    return nb


def lock_given_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Mark every cell that is not a solution cell as locked, in nbgrader's metadata."""
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if meta and not meta.get("solution"):
            meta["locked"] = True
    return nb


STUDENT_STEPS: list[Step] = [clear_outputs, remove_hidden, replace_solutions, lock_given_cells]


def student_notebook(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(solution)
    for step in STUDENT_STEPS:
        nb = step(nb)
    return nb


@dataclass
class AssignResult:
    notebook: Path
    checks_folder: Path
    exercises: int
    checks: int


def assign(course: Course, unit: str) -> AssignResult:
    checkset = HiddenCheckSet(course, unit)
    target = course.assignments / unit
    target.mkdir(parents=True, exist_ok=True)
    notebook_path = target / f"{unit}.ipynb"
    nbformat.write(student_notebook(read_notebook(checkset.notebook)), str(notebook_path))
    data, tensors = public_checks(checkset)
    folder = target / "checks"
    write_public(folder, data, tensors)
    copy_public_code(checkset.folder / PUBLIC, folder / PUBLIC)
    return AssignResult(notebook_path, folder, len(data.exercises), sum(len(e.checks) for e in data.exercises))


def public_files(public: Path) -> dict[str, bytes]:
    """The unit's public code (properties, experiments, fixtures), by path under `public/`."""
    if not public.is_dir():
        return {}
    return {str(p.relative_to(public)): p.read_bytes() for p in sorted(public.rglob("*.py"))
            if "__pycache__" not in p.parts}


def copy_public_code(public: Path, target: Path) -> None:
    """Ship the unit's public code with the release, exactly (and nothing else under it)."""
    if target.exists():
        shutil.rmtree(target)
    for relative, content in public_files(public).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def public_checks(checkset: HiddenCheckSet) -> tuple[PublicData, dict[str, torch.Tensor]]:
    salt = secrets.token_hex(8)
    tensors: dict[str, torch.Tensor] = {}
    exercises = []
    for info in checkset.exercises:
        checks = []
        for prepared in checkset.prepare(info.id, PUBLIC_SEED, public_only=True):
            tensors.update(prepared.tensors)
            plan, expected = prepared.plan, None
            if prepared.expected is not None:
                expected = [o.outcomes for o in prepared.expected]
                for observed in prepared.expected:
                    tensors.update(observed.tensors)
            if isinstance(plan.rule, AnswerRule):
                plan, expected = _hash_answers(plan, prepared.expected, salt)
            checks.append(PublicCheck(plan=plan, expected=expected))
        exercises.append(PublicExercise(**info.model_dump(), checks=checks))
    data = PublicData(unit=checkset.unit, title=checkset.title, version=checkset.version, exercises=exercises)
    return data, tensors


def _hash_answers(plan, expected, salt: str):
    rule = plan.rule.model_copy(update={"hashed": True, "salt": salt})
    hashed_outcomes = []
    for observed in expected:
        value = hash_leaves(rule, observed.result())
        hashed_outcomes.append([StepOutcome(result=Encoder().encode(value))])
    return plan.model_copy(update={"rule": rule}), hashed_outcomes


