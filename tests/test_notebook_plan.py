"""Which cells run for an exercise, and what a student is told when the notebook cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from autograder.notebook.plan import CellInfo, analyse, locate
from autograder.notebook.reading import CodeCell, NotebookError, code_cells, parse_notebook, read_notebook
from autograder.notebook.source import to_python


def cell(source: str, number: int = 1, grade_id: str | None = None) -> CellInfo:
    return analyse(CodeCell(index=number - 1, number=number, source=source, grade_id=grade_id))


def cells_of(*sources: str | tuple[str, str]) -> list[CellInfo]:
    """Cells in notebook order; a (grade_id, source) pair is a tagged exercise cell."""
    out = []
    for number, source in enumerate(sources, 1):
        grade_id = None
        if isinstance(source, tuple):
            grade_id, source = source
        out.append(cell(source, number, grade_id))
    return out


def needed_sources(cells: list[CellInfo], exercise: str, artifacts: list[str]) -> list[str]:
    located = locate(cells, exercise, artifacts)
    return [cells[i].cell.source for i in sorted(located.needed)]


# --- binds and needs ----------------------------------------------------------------------

def test_imports_bind_their_top_level_names():
    info = cell("import torch\nimport numpy as np\nimport os.path\nfrom math import pi as PI, tau")
    assert info.binds == {"torch", "np", "os", "PI", "tau"}
    assert info.needs == set()


def test_function_needs_the_globals_it_reads_but_not_its_locals():
    info = cell("def f(x, *args, scale=1, **kw):\n    y = x * scale\n    return W @ y + torch.ones(1) + len(args)")
    assert info.binds == {"f"}
    assert info.needs == {"W", "torch"}  # not x, y, args, scale, kw, nor the builtin len


def test_default_values_and_decorators_are_needed():
    assert cell("@decorate\ndef f(a=DEFAULT):\n    return a").needs == {"decorate", "DEFAULT"}


def test_global_declaration_binds_the_name():
    info = cell("def setup():\n    global MODEL\n    MODEL = make()\n")
    assert info.binds == {"setup"}
    assert info.needs == {"make"}
    top = cell("if True:\n    def setup():\n        global MODEL\n        MODEL = 1\n")
    assert "MODEL" in top.binds and "setup" in top.binds


def test_augmented_assignment_needs_the_old_value():
    assert cell("total += 1").needs == {"total"}
    assert cell("total += 1").binds == {"total"}
    info = cell("x = 1\nx += y")
    assert info.needs == {"y"}  # x was bound earlier in the same cell


def test_class_methods_see_globals():
    info = cell("class Net(torch.nn.Module):\n    def forward(self, x):\n        return self.lin(x) * SCALE")
    assert info.binds == {"Net"}
    assert info.needs == {"torch", "SCALE"}


def test_lambda_and_comprehension_variables_are_local():
    assert cell("square = lambda t: t * K").needs == {"K"}
    info = cell("ys = [v * k for v in range(3)]")
    assert info.needs == {"k"}
    assert "ys" in info.binds


def test_comprehension_variable_is_not_bound_by_the_cell():
    assert cell("ys = [v * k for v in range(3)]").binds == {"ys"}


def test_star_import():
    info = cell("from helpers import *")
    assert info.star_import and info.binds == set()


def test_walrus_tuple_targets_with_and_try():
    assert cell("(w := 5)").binds == {"w"}
    assert cell("a, (b, c) = 1, (2, 3)").binds == {"a", "b", "c"}
    info = cell("try:\n    import cupy\nexcept ImportError as err:\n    cupy = None")
    assert "cupy" in info.binds and info.needs == set()
    info = cell("with open(path) as fh:\n    data = fh.read()")
    assert {"fh", "data"} <= info.binds and "path" in info.needs


def test_annotations_are_needed_only_when_evaluated_names():
    info = cell("x: int = 5\ny: SomeType")
    assert {"x", "y"} <= info.binds
    assert "int" not in info.needs


# --- IPython syntax -------------------------------------------------------------------

def test_line_magics_and_shell_escapes_become_pass():
    info = cell("%timeit f(x)\n!pip install foo\ny = f(x)\nfor _ in range(2):\n    %time f(x)")
    assert info.python == "pass\npass\ny = f(x)\nfor _ in range(2):\n    pass"
    assert info.syntax_error is None
    assert info.binds == {"y", "_"} and info.needs == {"f", "x"}


def test_shell_assignment_binds_a_list():
    info = cell("files = !ls\nprint(files)")
    assert info.binds == {"files"}
    assert "files = []" in info.python


def test_help_suffix_is_not_python_but_not_an_error():
    info = cell("torch.matmul?\nf??")
    assert info.syntax_error is None and info.binds == set()


def test_non_python_cell_magics_are_skipped():
    assert to_python("%%bash\nrm -rf /tmp/x\n") is None
    assert to_python("%%writefile helper.py\nx = 1\n") is None
    info = cell("%%bash\necho hi")
    assert info.python is None and info.binds == set() and info.needs == set()


def test_python_cell_magics_keep_their_body():
    info = cell("%%time\nz = g(1)\n")
    assert info.python == "pass\nz = g(1)\n"
    assert info.binds == {"z"} and info.needs == {"g"}


def test_line_numbers_are_kept():
    source = "%load_ext autoreload\nimport torch\n!nvidia-smi\ndef f(:\n    pass"
    info = cell(source)
    assert info.syntax_error is not None
    assert info.syntax_line == 4


def test_comparison_with_a_magic_looking_string_is_left_alone():
    info = cell("ok = x == '%d'")
    assert info.python == "ok = x == '%d'"
    assert info.binds == {"ok"}


# --- locate ---------------------------------------------------------------------------

def test_last_definition_wins():
    cells = cells_of("def f(x):\n    return 1", "def f(x):\n    return 2", "print(f(3))")
    located = locate(cells, "u1.1.q1", ["f"])
    assert located.definitions == {"f": 1}
    assert needed_sources(cells, "u1.1.q1", ["f"]) == ["def f(x):\n    return 2"]


def test_scratch_cells_are_not_needed():
    cells = cells_of(
        "import torch",
        "def f(x):\n    return torch.relu(x)",
        "print(f(torch.randn(3)))",
        "while True:\n    pass  # an endless experiment",
        "f(torch.ones(2))",
    )
    assert needed_sources(cells, "u1.1.q1", ["f"]) == ["import torch", "def f(x):\n    return torch.relu(x)"]


def test_helpers_are_pulled_in_transitively():
    cells = cells_of(
        "import torch",
        "SCALE = 3",
        "def helper(x):\n    return x * SCALE",
        "print('unrelated')",
        "def f(x):\n    return helper(torch.as_tensor(x))",
    )
    assert needed_sources(cells, "u1.1.q1", ["f"]) == [
        "import torch", "SCALE = 3", "def helper(x):\n    return x * SCALE", "def f(x):\n    return helper(torch.as_tensor(x))",
    ]


def test_the_binding_before_the_definition_is_used():
    cells = cells_of("K = 1", "def f():\n    return K", "K = 2")
    # cells run in notebook order up to what is needed: the later K = 2 is not needed for f
    assert needed_sources(cells, "u1.1.q1", ["f"]) == ["K = 1", "def f():\n    return K"]


def test_augmented_assignment_pulls_in_the_earlier_binding():
    cells = cells_of("total = 0", "total += 5", "def f():\n    return total")
    assert needed_sources(cells, "u1.1.q1", ["f"]) == ["total = 0", "total += 5", "def f():\n    return total"]


def test_star_import_before_a_needed_cell_is_run():
    cells = cells_of("import torch", "from helpers import *", "def f():\n    return g()")
    assert needed_sources(cells, "u1.1.q1", ["f"]) == ["from helpers import *", "def f():\n    return g()"]


def test_missing_artifact():
    cells = cells_of("def g():\n    pass")
    located = locate(cells, "u1.1.q1", ["f", "g"])
    assert located.definitions == {"f": None, "g": 0}
    assert located.needed == {0}


def test_tagged_cells_by_nbgrader_grade_id():
    cells = cells_of("import torch", ("u1.1.q1", "def f(x):\n    return x"), ("u1.1.q2", "def g(x):\n    return x"))
    assert locate(cells, "u1.1.q1", ["f"]).tagged == [1]
    assert locate(cells, "u1.1.q2", ["g"]).tagged == [2]
    assert locate(cells, "u1.9.q9", ["f"]).tagged == []


def test_artifact_moved_to_an_untagged_cell_is_still_found():
    cells = cells_of(
        "import torch",
        ("u1.1.q1", "# I moved my answer further down\n"),
        "x = torch.ones(3)",
        "def f(x):\n    return torch.relu(x)",
    )
    located = locate(cells, "u1.1.q1", ["f"])
    assert located.definitions == {"f": 3}
    assert located.tagged == [1]
    assert sorted(located.needed) == [0, 3]


def test_exercise_cell_split_in_two_by_the_student():
    cells = cells_of(
        "import torch",
        ("u1.1.q1", "def helper(x):\n    return x * 2"),
        "def f(x):\n    return helper(x) + 1",
    )
    assert needed_sources(cells, "u1.1.q1", ["f"]) == [
        "def helper(x):\n    return x * 2", "def f(x):\n    return helper(x) + 1"]


def test_an_earlier_definition_in_the_tagged_cell_loses_to_a_later_redefinition():
    cells = cells_of(("u1.1.q1", "def f(x):\n    raise NotImplementedError"), "def f(x):\n    return x")
    assert locate(cells, "u1.1.q1", ["f"]).definitions == {"f": 1}


def test_comprehension_in_a_scratch_cell_does_not_hide_a_global():
    cells = cells_of(
        "import torch",
        "x = torch.ones(3)",
        "print([x for x in range(3)])",  # scratch: its x does not leak out of the comprehension
        ("u1.1.q1", "def f():\n    return x * 2"),
    )
    assert "x = torch.ones(3)" in needed_sources(cells, "u1.1.q1", ["f"])


def test_loop_variable_does_not_pull_in_an_unrelated_cell():
    cells = cells_of(
        "i = 0\nwhile True:\n    i += 1  # an endless experiment",
        "table = {}\nfor i in range(3):\n    table[i] = i * i",
        ("u1.1.q1", "def f(k):\n    return table[k]"),
    )
    assert needed_sources(cells, "u1.1.q1", ["f"]) == [
        "table = {}\nfor i in range(3):\n    table[i] = i * i", "def f(k):\n    return table[k]"]


def test_cell_with_a_syntax_error_binds_nothing():
    cells = cells_of(("u1.1.q1", "def f(x)\n    return x"))
    assert cells[0].syntax_error is not None and cells[0].syntax_line == 1
    assert locate(cells, "u1.1.q1", ["f"]).definitions == {"f": None}


# --- reading notebooks -------------------------------------------------------------------

def write_notebook(path: Path, *sources: str, grade_ids: dict[int, str] | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Unit 1"))
    for index, source in enumerate(sources):
        new = nbformat.v4.new_code_cell(source)
        if grade_ids and index in grade_ids:
            new.metadata["nbgrader"] = {"grade_id": grade_ids[index], "solution": True, "locked": False}
        nb.cells.append(new)
    nbformat.write(nb, str(path))
    return path


def test_code_cells_are_numbered_as_students_count_them(tmp_path):
    path = write_notebook(tmp_path / "unit1.ipynb", "import torch", "def f(x):\n    return x",
                          grade_ids={1: "u1.1.q1"})
    cells = code_cells(read_notebook(path))
    assert [(c.index, c.number, c.grade_id, c.solution) for c in cells] == [(1, 1, None, False), (2, 2, "u1.1.q1", True)]
    assert cells[1].describe() == "code cell 2, tagged u1.1.q1"
    assert cells[0].describe() == "code cell 1"


def test_odd_metadata_and_list_sources_are_tolerated():
    text = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a1", "source": ["x = 1\n", "y = 2"], "metadata": {"nbgrader": "oops"}, "outputs": [],
         "execution_count": None},
        {"cell_type": "code", "id": "a2", "source": "z = 3", "metadata": {"nbgrader": {"grade_id": 7}}, "outputs": [],
         "execution_count": None},
    ]})
    cells = code_cells(parse_notebook(text))
    assert [c.source for c in cells] == ["x = 1\ny = 2", "z = 3"]
    assert [c.grade_id for c in cells] == [None, None]


def _error(path) -> str:
    with pytest.raises(NotebookError) as caught:
        read_notebook(path)
    return str(caught.value)


def test_missing_file(tmp_path):
    path = tmp_path / "unit1.ipynb"
    message = _error(path)
    assert str(path) in message
    assert "no such file" in message and "give the path to your notebook" in message


def test_directory(tmp_path):
    message = _error(tmp_path)
    assert str(tmp_path) in message
    assert "is a folder" in message and "notebook file inside it" in message


def test_empty_file(tmp_path):
    path = tmp_path / "unit1.ipynb"
    path.write_text("")
    message = _error(path)
    assert message.startswith(str(path))
    assert "is empty" in message and "save the notebook from Jupyter" in message


def test_whitespace_only_file(tmp_path):
    path = tmp_path / "unit1.ipynb"
    path.write_text("\n  \n")
    assert "is empty" in _error(path)


def test_not_json(tmp_path):
    path = tmp_path / "unit1.ipynb"
    path.write_text('{"cells": [\n  {"cell_type": "code",,}\n]}')
    message = _error(path)
    assert message.startswith(str(path))
    assert "not valid JSON (line 2, column" in message
    assert "Revert Notebook to Checkpoint" in message


def test_python_file_instead_of_a_notebook(tmp_path):
    path = tmp_path / "unit1.py"
    path.write_text("import torch\n")
    message = _error(path)
    assert str(path) in message and "not valid JSON" in message


@pytest.mark.parametrize("content", ['{"nbformat": 4}', "[1, 2, 3]", '{"cells": {"a": 1}}', '"a string"', "42"])
def test_json_without_cells(tmp_path, content):
    path = tmp_path / "unit1.ipynb"
    path.write_text(content)
    message = _error(path)
    assert message == f"{path} is not a Jupyter notebook (it has no list of cells)"


def test_binary_file(tmp_path):
    path = tmp_path / "unit1.ipynb"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    message = _error(path)
    assert str(path) in message and "not a text file" in message


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "unit1.ipynb"
    with open(path, "wb") as handle:
        handle.truncate(65 * 2**20)  # sparse: costs no disk, and must not be read
    message = _error(path)
    assert str(path) in message
    assert "65 MiB, over the 64 MiB limit" in message
    assert "Clear All Outputs" in message


def test_parse_notebook_uses_the_given_name():
    with pytest.raises(NotebookError, match=r"^submission\.ipynb is empty"):
        parse_notebook("", "submission.ipynb")
