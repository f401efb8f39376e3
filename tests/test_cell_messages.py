"""Messages about a notebook's cells that say what happened and what to do (issue 11, item 6):
a download attempt names the missing network and the data folder, a cell's problem is listed
under the exercises that need that cell, and the cell that hung comes before the errors it
caused."""

from __future__ import annotations

import nbformat

from autograder.notebook.reading import code_cells
from autograder.report.annotate import feedback_markdown
from autograder.report.models import CheckResult, ExerciseResult


def _exercise(says: str) -> ExerciseResult:
    return ExerciseResult(id="u1.3.q1", title="t", points=0, max_points=10, status="failed", summary=says,
                          checks=[CheckResult(name="values", kind="output", weight=1, points=0, max_points=10,
                                              passed=False, message=says)])




def test_a_colab_download_says_there_is_no_network_and_where_the_data_is():
    from autograder.judge.session import _cell_error_text
    from autograder.protocol.messages import ErrorInfo

    error = ErrorInfo(kind="error", type="RuntimeError", classes=["RuntimeError", "Exception", "BaseException"],
                      message="Error downloading train-images-idx3-ubyte.gz:", line=3)
    text = _cell_error_text(error, 30)
    assert "train-images-idx3-ubyte.gz" in text and "no network" in text and "AUTOGRADER_DATA" in text
    assert not text.rstrip().endswith(":")


def _session_with(cells_source: list[str], problems: dict[int, tuple[str, bool]]):
    from autograder.judge.session import CellProblem, WorkerSession
    from autograder.notebook.plan import analyse

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells_source])
    cells = [analyse(c) for c in code_cells(notebook)]
    session = WorkerSession.__new__(WorkerSession)
    session.cells = cells
    session.problems = {n: CellProblem(cells[n - 1], f"code cell {n} {text}", fatal) for n, (text, fatal) in problems.items()}
    return session


def test_a_cell_that_ran_out_of_memory_is_listed_only_where_it_is_needed():
    session = _session_with(
        ["import torch\n", "import torch\nhog = torch.ones(2**31)\ndef f(x):\n    return x\n",
         "def g(x):\n    return torch.zeros(1)\n", "def h(x):\n    return hog + x\n"],
        {2: ("ran out of memory", False)})
    assert [p.text for p in session.problems_in({1, 2})] == ["code cell 2 ran out of memory"]  # f is defined there
    assert session.problems_in({2, 3}) == []  # g needs only torch, which cell 1 imported too
    assert [p.text for p in session.problems_in({2, 4})] == ["code cell 2 ran out of memory"]  # h needs hog


def test_a_hung_cell_comes_before_the_errors_it_caused():
    session = _session_with(["x = 1\n", "while True:\n    pass\nFILL = 3\n", "def f():\n    return FILL + x\n"],
                            {1: ("raised ValueError: a slip", False), 2: ("did not finish within 3 s", True)})
    assert [p.text for p in session.problems_in({1, 2, 3})] == [
        "code cell 2 did not finish within 3 s", "code cell 1 raised ValueError: a slip"]
    exercise = _exercise("raised NameError: name 'FILL' is not defined")
    exercise.notes = ["code cell 2 did not finish within 3 s, so it was stopped and left out"]
    bullets = [line for line in feedback_markdown(exercise).splitlines() if line.startswith("- ")]
    assert "did not finish" in bullets[0] and "NameError" in bullets[1]


