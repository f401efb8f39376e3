"""Notebooks and class downloads as a real course meets them (issue 11): files from other
tools, Hebrew names, several notebooks per student, another unit's notebook, misleading
messages, a summary for a large class, the data view's allowlist, and student text that
looks like markup. Each test fails without the fix it guards."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from autograder.batch.ingest import discover
from autograder.notebook.reading import code_cells, read_notebook
from autograder.report.annotate import annotated_notebook, feedback_markdown
from autograder.report.models import CheckResult, ExerciseResult, NotebookResult
from conftest import ROOT

SOLUTION = ROOT / "solutions" / "unit1" / "unit1.ipynb"


def _raw(path: Path = SOLUTION) -> dict:
    return json.loads(path.read_text())


def _result(says: str = "", **fields) -> NotebookResult:
    exercise = ExerciseResult(id="u1.3.q1", title="t", points=0, max_points=10, status="failed", summary=says,
                              cell_index=0, checks=[CheckResult(name="values", kind="output", weight=1, points=0,
                                                                max_points=10, passed=False, message=says)])
    result = NotebookResult(unit="unit1", notebook="unit1.ipynb", mode="hidden", exercises=[exercise], **fields)
    result.total()
    return result


# --- 1 and 5: notebooks from other tools are read, and can be written back -------------------

def _without_outputs(raw: dict) -> dict:
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return raw


def _duplicate_and_missing_ids(raw: dict) -> dict:
    for index, cell in enumerate(raw["cells"]):
        if index % 2:
            cell.pop("id", None)
        else:
            cell["id"] = "same"
    return raw


def _version_3(raw: dict) -> dict:
    cells = []
    for cell in raw["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "code":
            cells.append({"cell_type": "code", "input": source, "language": "python", "metadata": cell["metadata"],
                          "outputs": [], "collapsed": False})
        else:
            cells.append({"cell_type": "markdown", "source": source, "metadata": {}})
    return {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""}, "worksheets": [{"cells": cells, "metadata": {}}]}


@pytest.mark.parametrize("variant", [_without_outputs, _duplicate_and_missing_ids, _version_3])
def test_notebooks_from_other_tools_are_read_and_annotated(tmp_path, variant):
    path = tmp_path / "unit1.ipynb"
    path.write_text(json.dumps(variant(_raw())))
    expected = [c.source for c in code_cells(read_notebook(SOLUTION))]
    assert [c.source for c in code_cells(read_notebook(path))] == expected
    annotated = annotated_notebook(path, _result("wrong"))
    assert annotated is not None and annotated == annotated_notebook(path, _result("wrong"))  # stable ids
    written = nbformat.reads(annotated, as_version=4)
    nbformat.validate(written)
    assert len({c.id for c in written.cells}) == len(written.cells)


def test_a_byte_order_mark_is_not_damage(tmp_path):
    path = tmp_path / "unit1.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + SOLUTION.read_bytes())
    assert len(code_cells(read_notebook(path))) == len(code_cells(read_notebook(SOLUTION)))


# --- 1: every per-submission step fails for its own row alone -------------------------------------

class CannedExecutor:
    """Yields a prepared outcome per student instead of grading (no workers needed)."""

    def __init__(self, outcomes: dict):
        self.outcomes = outcomes

    def run(self, items, grade):
        for item in items:
            yield item, self.outcomes[item.student]

    def cancel(self):
        pass


def test_a_failing_step_costs_only_that_students_row(course, sandbox, tmp_path, monkeypatch):
    from autograder.batch import run as batch
    from autograder.report import html

    submissions = tmp_path / "class"
    for student in ("alice", "bob", "carol", "dave"):
        (submissions / student).mkdir(parents=True)
    good = _raw()
    (submissions / "alice" / "unit1.ipynb").write_text(json.dumps(good))
    (submissions / "bob" / "unit1.ipynb").write_text(json.dumps(good))
    (submissions / "carol" / "unit1.ipynb").write_text(json.dumps(_without_outputs(_raw())))
    (submissions / "dave" / "unit1.ipynb").write_text(json.dumps(good))
    outcomes = {"alice": _result("fine"), "bob": RuntimeError("the grader tripped\nsecond line"),
                "carol": _result("fine"), "dave": _result("fine")}
    real_page = html.feedback_page
    monkeypatch.setattr(html, "feedback_page", lambda row, title="": (
        (_ for _ in ()).throw(ValueError("template broke")) if row.student == "dave" else real_page(row, title)))

    report = batch.grade_batch(course, sandbox, batch.BatchOptions(unit="unit1", submissions=submissions,
                                                                   out=tmp_path / "out", seed=1),
                               executor=CannedExecutor(outcomes))
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((tmp_path / "out" / "grades.csv").read_text()))}
    assert sorted(rows) == ["alice", "bob", "carol", "dave"] and report.total == 4
    assert rows["alice"]["status"] == "graded"
    assert rows["bob"]["status"] == "not-gradable" and "RuntimeError: the grader tripped" in rows["bob"]["reason"]
    assert "unit1.ipynb" in rows["bob"]["reason"]
    assert "RuntimeError: the grader tripped" in (tmp_path / "out" / "log" / "bob.txt").read_text()  # for the TA
    assert (tmp_path / "out" / "feedback" / "carol.ipynb").is_file()  # no outputs key: written all the same
    assert "feedback/dave.html could not be written (ValueError: template broke)" in rows["dave"]["reason"]
    assert (tmp_path / "out" / "results" / "dave.json").is_file()
    assert (tmp_path / "out" / "summary.html").is_file()


# --- 2: stable ids for any name, and zips without the UTF-8 flag ------------------------------------

def _folders(root: Path, names: list[str]) -> Path:
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / "unit1.ipynb").write_bytes(SOLUTION.read_bytes())
    return root


def test_hebrew_names_keep_their_own_stable_ids(tmp_path):
    names = ["דנה כהן", "יוסי לוי", "Zoë", "alice"]
    _, first = discover(_folders(tmp_path / "a", names), "unit1", tmp_path / "work-a")
    _, second = discover(_folders(tmp_path / "b", ["אבי ברק", *names]), "unit1", tmp_path / "work-b")
    before = {s.name: s.student for s in first}
    after = {s.name: s.student for s in second}
    assert set(before) == set(names)  # the names themselves are kept
    assert all(after[name] == before[name] for name in names)  # a new classmate renames nobody
    assert len(set(after.values())) == len(after)
    assert before["alice"] == "alice" and before["Zoë"].startswith("zoe-")
    assert all(re.fullmatch(r"[a-z0-9-]+", student) for student in after.values())
    assert not any(re.fullmatch(r"student(-\d)?", student) for student in after.values())


def _zip_without_utf8_flag(path: Path, members: dict[bytes, bytes]) -> Path:
    """Write members whose names are raw bytes in a code page, as Windows tools do: zipfile
    writes an ASCII placeholder of the same length, which is then replaced by the bytes."""
    placeholders = {}
    with zipfile.ZipFile(path, "w") as zf:
        for index, (name, content) in enumerate(members.items()):
            placeholder = f"{index:03d}".encode() + b"x" * (len(name) - 3)
            placeholders[placeholder] = name
            zf.writestr(placeholder.decode(), content)
    data = path.read_bytes()
    for placeholder, name in placeholders.items():
        data = data.replace(placeholder, name)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("code_page", ["cp862", "cp1255"])
def test_moodle_zip_from_windows_keeps_hebrew_names(tmp_path, code_page):
    from autograder.batch.ingest import name_encoding

    notebook = SOLUTION.read_bytes()
    members = {f"{name}_{lms}_assignsubmission_file_/unit1.ipynb".encode(code_page): notebook
               for name, lms in [("דנה כהן", "101"), ("יוסי לוי", "102")]}
    archive = _zip_without_utf8_flag(tmp_path / "moodle.zip", members)
    layout, found = discover(archive, "unit1", tmp_path / "work")
    assert layout == "moodle"
    assert {s.name for s in found} == {"דנה כהן", "יוסי לוי"}
    assert {s.student for s in found} == {"student-101", "student-102"}
    assert name_encoding(list(members)) == code_page


def test_latin_names_from_windows_zips_stay_latin():
    from autograder.batch.ingest import name_encoding

    for code_page in ("cp437", "cp850", "cp1252"):
        raw = "José Ñandú_7_assignsubmission_file_/unit1.ipynb".encode(code_page)
        assert raw.decode(name_encoding([raw])) == raw.decode(code_page), code_page


# --- 3: the notebook with the unit's exercises wins over a newer scratch file -------------------------

def test_the_notebook_with_the_exercises_beats_a_newer_scratch_file(tmp_path, hidden_unit1):
    from autograder.notebook.units import exercises_found

    folder = tmp_path / "class" / "alice"
    folder.mkdir(parents=True)
    (folder / "unit1.ipynb").write_bytes(SOLUTION.read_bytes())
    scratch = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch\nx = torch.ones(3)\n")])
    nbformat.write(scratch, str(folder / "scratch.ipynb"))
    os.utime(folder / "unit1.ipynb", (1_700_000_000, 1_700_000_000))  # older than the scratch file
    artifacts = {e.id: e.artifacts for e in hidden_unit1.exercises}
    _, (alice,) = discover(tmp_path / "class", "unit1", tmp_path / "work",
                           relevance=lambda path: exercises_found(path, "unit1", artifacts))
    assert alice.notebook.name == "unit1.ipynb"
    assert "graded unit1.ipynb, the one with most of unit1's exercises (10)" in alice.notes[0]


# --- 4: the unit comes from the notebook's own exercise ids -------------------------------------------

def _other_unit_sharing_a_name() -> nbformat.NotebookNode:
    """A unit-3 notebook that happens to define a unit-1 function name (units share names)."""
    nb = nbformat.v4.new_notebook()
    for grade_id, source in [("u3.1.q1", "import torch\ndef negatives_to_inf(X):\n    return X\n"),
                             ("u3.2.q3", "ans_u3_2_q3 = 'B'\n")]:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True}
        nb.cells.append(cell)
    return nb


@pytest.mark.parametrize("notebook", ["unit3", "unit2", "shared name"])
def test_another_units_notebook_is_named_not_half_graded(notebook, grade, course, public_unit1, tmp_path):
    path = tmp_path / "theirs.ipynb"
    if notebook == "shared name":
        nbformat.write(_other_unit_sharing_a_name(), str(path))
    else:
        shutil.copy(course.assignments / notebook / f"{notebook}.ipynb", path)
    result = grade(path, public_unit1)
    unit = "unit3" if notebook == "shared name" else notebook
    assert result.status == "not-gradable" and result.other_unit == unit
    assert f"is the notebook for {unit}" in result.message and f"check {unit}" in result.message
    assert result.score == 0
    assert all(e.summary == result.message for e in result.exercises)  # said once, not "did you delete" 17 times


def test_check_exits_2_naming_the_unit_for_another_units_notebook(tmp_path):
    shutil.copytree(ROOT / "assignments" / "unit1", tmp_path, dirs_exist_ok=True)
    shutil.copy(ROOT / "assignments" / "unit3" / "unit3.ipynb", tmp_path)
    run = subprocess.run([sys.executable, "-m", "autograder", "check", "unit1", "unit3.ipynb"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert run.returncode == 2, run.stderr
    assert "autograder check unit3" in run.stderr.replace("\n", " ")
    assert "Traceback" not in run.stderr


# --- 7: a class summary for 120 students ---------------------------------------------------------------

def test_the_summary_of_a_large_class_groups_problems_and_counts_bars():
    from autograder.report.gradebook import Row
    from autograder.report.html import summary_page

    rows = []
    for i in range(126):
        result = _result("3 of 7 values differ")
        result.notebook = f"student{i:03d}/unit1.ipynb"
        if i < 30:
            result.status, result.incidents = "partial-failure", ["u1.3.q1: a call did not finish in time"]
        elif i < 40:
            result.status = "not-gradable"
            result.message = f"{result.notebook} is damaged: it is not valid JSON (line 1, column 5)"
        rows.append(Row(f"student{i:03d}", "", "", result))
    page = summary_page(rows, "unit1", ["u1.3.q1"])
    trouble = page[page.index("Crashed, hung"):]
    assert trouble.count("<tr>") == 1 + 2  # a header and one row per distinct problem
    assert '<td class="num">30</td><td>u1.3.q1: a call did not finish in time</td>' in trouble
    assert '<td class="num">10</td><td>the notebook is damaged' in trouble
    assert "over graded students" in page and "mean total over graded students" in page
    assert re.search(r'<text [^>]*text-anchor="middle">116</text>', page)  # the bar's count, written on it
    assert "/tmp/" not in page and str(ROOT) not in page


# --- 10: the data view is an allowlist ----------------------------------------------------------------

def _downloaded_fashion_mnist(root: Path) -> Path:
    """A data folder as torchvision's download leaves it: the files and their .gz."""
    import gzip

    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    labels = bytes([0, 0, 8, 1]) + (10_000).to_bytes(4, "big") + bytes(i % 10 for i in range(10_000))
    (raw / "t10k-labels-idx1-ubyte").write_bytes(labels)
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels))
    (raw / "train-images-idx3-ubyte").write_bytes(b"\0\0\x08\x03" + b"\0" * 12)
    (root / "FashionMNIST" / "processed").mkdir()
    (root / "FashionMNIST" / "processed" / "test.pt").write_bytes(labels)
    (root / "SST-2").mkdir()
    (root / "SST-2" / "dev.tsv").write_text("sentence\tlabel\nfine\t1\n")
    return root


def test_the_worker_view_holds_only_allowlisted_files(tmp_path):
    from autograder.exercises.data import worker_view

    view = worker_view(_downloaded_fashion_mnist(tmp_path / "data"), tmp_path / "view")
    found = sorted(p.relative_to(view).as_posix() for p in view.rglob("*") if p.is_file())
    assert found == ["FashionMNIST/raw/t10k-labels-idx1-ubyte", "FashionMNIST/raw/train-images-idx3-ubyte",
                     "SST-2/dev.tsv"]


def test_doctor_warns_about_other_copies_of_a_held_out_split(tmp_path):
    from autograder.cli.doctor import _datasets

    findings = _datasets(_downloaded_fashion_mnist(tmp_path / "data"))
    copies = [f for f in findings if "other copies of a split" in f.what]
    assert len(copies) == 1 and not copies[0].ok
    assert "t10k-labels-idx1-ubyte.gz" in copies[0].what and "processed/test.pt" in copies[0].what


def test_the_docker_image_is_staged_from_the_allowlist(tmp_path):
    copy_of_repo = tmp_path / "repo"
    (copy_of_repo / "scripts").mkdir(parents=True)
    (copy_of_repo / "docker" / "data").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "stage-data.sh", copy_of_repo / "scripts")
    (copy_of_repo / "autograder").symlink_to(ROOT / "autograder")
    data = _downloaded_fashion_mnist(tmp_path / "data")
    run = subprocess.run(["bash", "scripts/stage-data.sh"], cwd=copy_of_repo, capture_output=True, text=True,
                         env={**os.environ, "AUTOGRADER_DATA": str(data), "PYTHON": sys.executable}, timeout=120)
    assert run.returncode == 0, run.stderr
    staged = [p.name for p in (copy_of_repo / "docker" / "data").rglob("*") if p.is_file()]
    assert "t10k-labels-idx1-ubyte" in staged
    assert not [name for name in staged if name.endswith((".gz", ".pt"))]


# --- 12: text from student code is data, never markup ---------------------------------------------------

HOSTILE = "[/] [green]✔ all checks passed[/green] <img src=x onerror=alert(1)> <h2>10 / 10</h2> *bold* $x$"


def test_markup_in_a_message_is_shown_as_text_in_the_terminal():
    from autograder.report.table import render

    console = Console(record=True, width=300)
    console.print(render(_result(HOSTILE, message=HOSTILE, warnings=[HOSTILE])))
    text = console.export_text()
    assert "[/] [green]✔ all checks passed[/green]" in text


def test_markup_in_a_message_does_not_render_in_the_feedback_notebook():
    exercise = _result(HOSTILE).exercises[0]
    exercise.notes = [HOSTILE]
    rendered = MarkdownIt("commonmark").render(feedback_markdown(exercise))
    assert "<img" not in rendered and "<h2>" not in rendered and "<em>" not in rendered
    assert "&lt;h2&gt;10 / 10&lt;/h2&gt;" in rendered and "[green]" in rendered and "*bold*" in rendered


def test_markup_in_a_message_is_escaped_in_the_html_pages():
    from autograder.report.gradebook import Row
    from autograder.report.html import feedback_page, summary_page

    result = _result(HOSTILE, message=HOSTILE, warnings=[HOSTILE], status="partial-failure", incidents=[HOSTILE])
    for page in (feedback_page(Row("s", HOSTILE, "", result)), summary_page([Row("s", HOSTILE, "", result)], "unit1",
                                                                            ["u1.3.q1"])):
        assert "<img" not in page and "<h2>10" not in page and "&lt;img src=x" in page
