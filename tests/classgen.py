"""A generated class of unit-1 submissions, written in any of the layouts a TA meets.

Every student has an intended status (graded, partial-failure, not-gradable) so tests can
check that each gets exactly one row, and the right one.
"""

from __future__ import annotations

import copy
import os
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from conftest import ROOT

MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*\n", re.M)


@dataclass
class Student:
    key: str            # folder / file stem
    name: str           # as an LMS shows it
    lms_id: str
    status: str         # intended status in grades.csv
    files: dict[str, bytes]  # file name -> content (the latest last)
    full_marks: bool = False


def release_and_answers():
    student = nbformat.read(str(ROOT / "assignments/unit1/unit1.ipynb"), as_version=4)
    solution = nbformat.read(str(ROOT / "solutions/unit1/unit1.ipynb"), as_version=4)
    answers = {c.metadata.nbgrader["grade_id"]: MARKER.sub("", c.source) for c in solution.cells
               if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    return student, answers


def submission(overrides: dict[str, str] | None = None, after: dict[str, str] | None = None) -> bytes:
    """The student release, answered correctly except for `overrides`; `after` adds a cell
    after an exercise's cell (where the cell must run, it is needed by that exercise)."""
    student, answers = release_and_answers()
    nb = copy.deepcopy(student)
    cells = []
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = (overrides or {}).get(grade_id, answers[grade_id])
        cells.append(cell)
        if grade_id in (after or {}):
            cells.append(nbformat.v4.new_code_cell(after[grade_id]))
    nb.cells = cells
    return nbformat.writes(nb).encode()


WRONG = {
    "u1.3.q1": "def negatives_to_inf(X):\n    return torch.where(X > 0, X, torch.inf)\n",
    "u1.4.q1": "def double_as_column_(x):\n    return x.reshape(-1, 1) + x.reshape(-1, 1)\n",
    "u1.1.q1": "def to_tensor_or_none(values):\n    return torch.tensor(values)\nans_u1_1_q1 = 'A'\n",
    "u1.6.q1": "def backward_twice(retain_graph):\n    return True, None\nans_u1_6_q1 = 'D'\n",
}
# a needed cell that breaks the worker: appended after u1.3.q1 and redefining its function,
# so the exercise needs it
CRASH = "import os\ndef negatives_to_inf(X):\n    return X\nos._exit(3)\n"
ENDLESS = "def negatives_to_inf(X):\n    return X\nwhile True:\n    pass\n"
MEMORY = "import torch\nhog = torch.ones(2**31, dtype=torch.float32)\ndef negatives_to_inf(X):\n    return X\n"
# needed cells that flood the output and fill the private /tmp: the notebook's own problem
FLOOD = "import sys\nfor _ in range(200_000):\n    print('spam ' * 20)\n"
DISK = ("import os\nchunk = b'x' * 2**20\ntry:\n    with open('filler.bin', 'wb') as f:\n"
        "        while True:\n            f.write(chunk)\nexcept OSError as exc:\n    print('disk full:', exc)\n")


def wrong_unit() -> bytes:
    nb = nbformat.v4.new_notebook()
    for grade_id, source in [("u2.1.q1", "def sigmoid(z):\n    return 1 / (1 + (-z).exp())\n"),
                             ("u2.1.q2", "ans_u2_1_q2 = 'B'\n")]:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True}
        nb.cells.append(cell)
    return nbformat.writes(nb).encode()


def make_class() -> list[Student]:
    good = submission()
    students: list[Student] = []

    def add(key, status, files, full=False):
        number = len(students) + 1
        students.append(Student(key, f"Student {key.title()}", str(100 + number), status, files, full))

    for i in range(12):
        add(f"good{i:02d}", "graded", {"unit1.ipynb": good}, full=True)
    for i, exercise_id in enumerate(sorted(WRONG) * 2):
        add(f"partly{i:02d}", "graded", {"unit1.ipynb": submission({exercise_id: WRONG[exercise_id]})})
    for i in range(3):
        add(f"crash{i}", "partial-failure", {"unit1.ipynb": submission(after={"u1.3.q1": CRASH})})
    for i in range(2):
        add(f"endless{i}", "partial-failure", {"unit1.ipynb": submission(after={"u1.3.q1": ENDLESS})})
    for i in range(2):
        add(f"memory{i}", "partial-failure", {"unit1.ipynb": submission(after={"u1.3.q1": MEMORY})})
    _, answers = release_and_answers()
    # the cells redefine the exercise's function, so the exercise needs them and they run
    add("flood", "graded", {"unit1.ipynb": submission(after={"u1.1.q1": FLOOD + answers["u1.1.q1"]})}, full=True)
    add("diskfill", "graded", {"unit1.ipynb": submission(after={"u1.1.q1": DISK + answers["u1.1.q1"]})}, full=True)
    add("corrupt", "not-gradable", {"unit1.ipynb": good[: len(good) // 3]})
    add("nonotebook", "not-gradable", {"answers.txt": b"I could not upload my notebook\n"})
    add("wrongunit", "not-gradable", {"unit1.ipynb": wrong_unit()})
    add("twoversions", "graded", {"unit1-draft.ipynb": submission({"u1.3.q1": WRONG["u1.3.q1"]}),
                                  "unit1.ipynb": good}, full=True)
    return students


def _stamp(index: int) -> float:
    return time.time() - 3600 + index * 60


def write_folders(students: list[Student], root: Path) -> Path:
    for student in students:
        folder = root / student.key
        folder.mkdir(parents=True)
        for index, (name, content) in enumerate(student.files.items()):
            path = folder / name
            path.write_bytes(content)
            os.utime(path, (_stamp(index), _stamp(index)))
    return root


def write_flat(students: list[Student], root: Path) -> Path:
    root.mkdir(parents=True)
    for student in students:
        name, content = list(student.files.items())[-1]
        suffix = Path(name).suffix
        (root / f"{student.key}{suffix}").write_bytes(content)
    return root


def write_moodle_zip(students: list[Student], path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for student in students:
            folder = f"{student.name}_{student.lms_id}_assignsubmission_file_"
            for index, (name, content) in enumerate(student.files.items()):
                info = zipfile.ZipInfo(f"{folder}/{name}", time.localtime(_stamp(index))[:6])
                zf.writestr(info, content)
    return path


def write_canvas_zip(students: list[Student], path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for student in students:
            login = re.sub(r"[^a-z0-9]", "", student.name.lower())
            for index, (name, content) in enumerate(student.files.items()):
                info = zipfile.ZipInfo(f"{login}_{student.lms_id}_{9000 + index}_{name}",
                                       time.localtime(_stamp(index))[:6])
                zf.writestr(info, content)
    return path
