"""A generated class of unit-1 submissions, written in any of the layouts a TA meets.

Every student has an intended status (graded, partial-failure, not-gradable) so tests can
check that each gets exactly one row, and the right one.
"""

from __future__ import annotations

import copy
import json
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


# --- a class as a real course meets it (issue 11) -----------------------------------------------
#
# Honest students whose notebooks came through other tools, beside every defect and attack of
# issue 11. The honest ones must keep full marks whatever their classmates do.

# u1.4.q1 may call u1.3.q1's negatives_to_inf in the course these students are graded with
# (see tests/adversarial/catalogue.py, COURSE_USES), so proxied regrades happen
USES = {"u1.4.q1": {"negatives_to_inf": "u1.3.q1"}}
HEBREW_NAMES = ("דנה כהן", "יוסי לוי")
# what torchvision's datasets.FashionMNIST('./data', download=True) does without a network (without
# importing torchvision, which alone can take longer than the suite's 3-second cells)
DOWNLOAD = ("import urllib.request\nurl = 'https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz'\n"
            "try:\n    urllib.request.urlopen(url, timeout=1)\nexcept OSError as error:\n"
            "    raise RuntimeError(f'Error downloading train-images-idx3-ubyte.gz:\\nTried {url}, got:\\n{error}')\n")
HUNG_BEFORE = "FILL = 0.0\nwhile True:\n    pass\n"
NEEDS_FILL = "def negatives_to_inf(X):\n    return torch.where(X >= 0, X, torch.full_like(X, torch.inf)) + FILL\n"
MARKUP = ("def negatives_to_inf(X):\n    raise ValueError('[/] [green]10 / 10[/green] <h2>u1.3.q1: 10 / 10</h2> "
          "<img src=x onerror=alert(1)>')\n")
PROXY_FLOOD = ("def double_as_column_(x):\n    if 'computed by the grader' in (negatives_to_inf.__doc__ or ''):\n"
               "        for _ in range(50):\n            try:\n"
               "                negatives_to_inf(torch.zeros(3000, 3000, dtype=torch.float16))\n"
               "            except Exception:\n                pass\n    return x\n")
# the worker's scratch space: all of /tmp, or its own /tmp/work (the working folder) in a batch
PROXY_SAVER = ("def double_as_column_(x):\n    if 'computed by the grader' in (negatives_to_inf.__doc__ or ''):\n"
               "        open('answers.txt', 'w').write(repr(negatives_to_inf(x).tolist()))\n    return x\n")
PROXY_READER = ("import os\n\ndef second_derivative(f, x0):\n    if os.path.exists('answers.txt'):\n"
                "        raise RuntimeError('found the course answers saved by another exercise')\n"
                "    return 0.0\n\nans_u1_6_q2 = 2.0\n")


def declare_uses(course: Path, uses: dict[str, dict[str, str]] = USES) -> None:
    """Declare, in a course's copy of unit 1, which earlier artifacts an exercise may call."""
    for exercise_id, names in uses.items():
        path = course / "solutions" / "unit1" / "exercises" / exercise_id.replace(".", "_") / "exercise.py"
        text = path.read_text()
        assert text.count("checks=[") == 1, path
        path.write_text(text.replace("checks=[", f"uses={names!r},\n    checks=[", 1))


def _edited(content: bytes, edit) -> bytes:
    raw = json.loads(content)
    edit(raw)
    return json.dumps(raw).encode()


def _drop_outputs(raw: dict) -> None:
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)


def _break_ids(raw: dict) -> None:
    for index, cell in enumerate(raw["cells"]):
        cell.pop("id", None) if index % 2 else cell.update(id="same")


def _as_version_3(content: bytes) -> bytes:
    raw = json.loads(content)
    cells = [{"cell_type": "code", "input": c["source"] if isinstance(c["source"], str) else "".join(c["source"]),
              "language": "python", "metadata": c["metadata"], "outputs": [], "collapsed": False}
             if c["cell_type"] == "code" else
             {"cell_type": "markdown", "source": c["source"], "metadata": {}} for c in raw["cells"]]
    return json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""},
                       "worksheets": [{"cells": cells, "metadata": {}}]}).encode()


def other_unit_sharing_a_name() -> bytes:
    """A unit-3 notebook that defines a unit-1 function name (units share names)."""
    nb = nbformat.v4.new_notebook()
    for grade_id, source in [("u3.1.q1", "import torch\ndef negatives_to_inf(X):\n    return X\n"),
                             ("u3.2.q3", "ans_u3_2_q3 = 'B'\n")]:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True}
        nb.cells.append(cell)
    return nbformat.writes(nb).encode()


def real_world_class() -> list[Student]:
    good = submission()
    scratch = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch\nx = 1\n")]))
    students: list[Student] = []

    def add(key, status, files, full=False, name=None):
        students.append(Student(key, name or key, "", status, files, full))

    for i in range(4):
        add(f"honest{i}", "graded", {"unit1.ipynb": good}, full=True)
    for name in HEBREW_NAMES:
        add(name, "graded", {"unit1.ipynb": good}, full=True)
    add("no-outputs", "graded", {"unit1.ipynb": _edited(good, _drop_outputs)}, full=True)
    add("broken-ids", "graded", {"unit1.ipynb": _edited(good, _break_ids)}, full=True)
    add("version-3", "graded", {"unit1.ipynb": _as_version_3(good)}, full=True)
    add("byte-order-mark", "graded", {"unit1.ipynb": b"\xef\xbb\xbf" + good}, full=True)
    add("newer-scratch", "graded", {"unit1.ipynb": good, "scratch.ipynb": scratch.encode()}, full=True)
    add("other-unit", "not-gradable", {"unit1.ipynb": other_unit_sharing_a_name()})
    _, answers = release_and_answers()
    add("colab-download", "graded", {"unit1.ipynb": submission({"u1.6.q2": DOWNLOAD + answers["u1.6.q2"]})})
    add("memory-cell", "partial-failure", {"unit1.ipynb": submission(after={"u1.3.q1": MEMORY})})
    for i in range(2):
        add(f"hung-cell{i}", "partial-failure",
            {"unit1.ipynb": submission({"u1.3.q1": NEEDS_FILL}, after={"u1.2.q2": HUNG_BEFORE})})
    add("markup", "graded", {"unit1.ipynb": submission({"u1.3.q1": MARKUP})})
    add("proxy-flood", "graded", {"unit1.ipynb": submission({"u1.3.q1": "def negatives_to_inf(X):\n    return X\n",
                                                            "u1.4.q1": PROXY_FLOOD})})
    add("proxy-saver", "graded", {"unit1.ipynb": submission({"u1.3.q1": "def negatives_to_inf(X):\n    return X\n",
                                                            "u1.4.q1": PROXY_SAVER, "u1.6.q2": PROXY_READER})})
    return students
