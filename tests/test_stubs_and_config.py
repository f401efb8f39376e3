"""The student release (solution regions become stubs) and grader.toml errors that say where."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.assign import student_notebook
from autograder.authoring.stubs import CODE_STUB, MarkerError, strip_hidden, strip_solutions
from autograder.config.loader import ConfigError, find_course, load_config

# --- solution regions -------------------------------------------------------------------

FUNCTION = '''def double(x):
    """Return 2 * x."""
    ### BEGIN SOLUTION
    y = x * 2
    return y
    ### END SOLUTION
'''


def test_region_inside_a_function_becomes_a_stub_at_its_indentation():
    out = strip_solutions(FUNCTION, "cell 3")
    assert out == ('def double(x):\n    """Return 2 * x."""\n    # YOUR CODE HERE\n'
                   f'    {CODE_STUB}')
    namespace: dict = {}
    exec(compile(out, "<stub>", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="replace this line with your code"):
        namespace["double"](3)


def test_nested_region_keeps_the_surrounding_code():
    source = (
        "class Net:\n"
        "    def forward(self, x):\n"
        "        if x is None:\n"
        "            ### BEGIN SOLUTION\n"
        "            return 0\n"
        "            ### END SOLUTION\n"
        "        return x\n"
    )
    out = strip_solutions(source, "cell 4")
    assert out.splitlines() == [
        "class Net:",
        "    def forward(self, x):",
        "        if x is None:",
        "            # YOUR CODE HERE",
        f"            {CODE_STUB}",
        "        return x",
    ]
    ast.parse(out)


def test_tab_indentation_is_kept():
    out = strip_solutions("def f():\n\t### BEGIN SOLUTION\n\treturn 1\n\t### END SOLUTION", "cell 1")
    assert out == f"def f():\n\t# YOUR CODE HERE\n\t{CODE_STUB}"
    ast.parse(out)


def test_several_regions_in_one_cell():
    source = ("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n\n"
              "def g():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION\n")
    out = strip_solutions(source, "cell 2")
    assert out.count(CODE_STUB) == 2
    assert "return 1" not in out and "return 2" not in out
    tree = ast.parse(out)
    assert [node.name for node in tree.body] == ["f", "g"]


def test_answer_constants_become_none():
    source = 'print("given")\n### BEGIN SOLUTION\nans_u1_6_q2 = 2.0\nans_u1_6_q3 = "C"  # because\n### END SOLUTION\n'
    out = strip_solutions(source, "cell 9")
    assert out == 'print("given")\nans_u1_6_q2 = None  # your answer\nans_u1_6_q3 = None  # your answer'


def test_region_mixing_constants_and_code_is_a_code_stub():
    source = "### BEGIN SOLUTION\nans = 2.0\nprint(ans)\n### END SOLUTION"
    assert strip_solutions(source, "cell 1") == f"# YOUR CODE HERE\n{CODE_STUB}"


def test_solution_cell_without_markers_is_replaced_whole():
    assert strip_solutions("def f(x):\n    return x * 2\n", "cell 5") == f"# YOUR CODE HERE\n{CODE_STUB}"


@pytest.mark.parametrize("source,says", [
    ("### BEGIN SOLUTION\nx = 1\n", "a solution region is not closed (### END SOLUTION missing)"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### END SOLUTION",
     "line 2 opens a solution region inside another"),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### END SOLUTION",
     "line 4 closes a solution region that was never opened"),
])
def test_unbalanced_markers(source, says):
    with pytest.raises(MarkerError) as caught:
        strip_solutions(source, "cell 7 (u1.1.q1)")
    assert str(caught.value) == f"cell 7 (u1.1.q1): {says}"


def test_end_marker_without_begin_is_an_error():
    source = "def f(x):\n    return x * 2\n    ### END SOLUTION\n"
    with pytest.raises(MarkerError, match="never opened"):
        strip_solutions(source, "cell 7")


def test_hidden_regions_are_removed():
    source = "a = 1\n### BEGIN HIDDEN\nassert secret() == 2\n### END HIDDEN\nb = 3"
    assert strip_hidden(source, "cell 2") == "a = 1\nb = 3"
    assert strip_hidden("nothing hidden", "cell 2") == "nothing hidden"


@pytest.mark.parametrize("source,says", [
    ("### BEGIN HIDDEN\nx = 1", "cell 2: a hidden region is not closed (### END HIDDEN missing)"),
    ("x = 1\n### END HIDDEN", "cell 2: line 2 closes a hidden region that was never opened"),
])
def test_unbalanced_hidden_markers(source, says):
    with pytest.raises(MarkerError) as caught:
        strip_hidden(source, "cell 2")
    assert str(caught.value) == says


# --- the student notebook ---------------------------------------------------------------

def solution_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    intro = nbformat.v4.new_markdown_cell("# Unit 1\nRead this first.")
    intro.metadata["nbgrader"] = {"grade_id": "intro", "solution": False, "locked": False}
    setup = nbformat.v4.new_code_cell("import torch")
    setup.metadata["nbgrader"] = {"grade_id": "setup", "solution": False, "grade": False, "locked": False}
    setup.outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    setup.execution_count = 1
    exercise = nbformat.v4.new_code_cell(FUNCTION)
    exercise.metadata["nbgrader"] = {"grade_id": "u1.1.q1", "solution": True, "grade": False, "locked": False}
    exercise.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "4"}, execution_count=2)]
    exercise.execution_count = 2
    answer = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nans_u1_1_q2 = 'B'\n### END SOLUTION")
    answer.metadata["nbgrader"] = {"grade_id": "u1.1.q2", "solution": True, "grade": False, "locked": False}
    hidden_cell = nbformat.v4.new_code_cell("assert double(2) == 4")
    hidden_cell.metadata["tags"] = ["hidden"]
    partly_hidden = nbformat.v4.new_code_cell("x = 1\n### BEGIN HIDDEN\nx = double(x)\n### END HIDDEN\nprint(x)")
    scratch = nbformat.v4.new_code_cell("print('try things here')")
    nb.cells = [intro, setup, exercise, answer, hidden_cell, partly_hidden, scratch]
    return nb


def test_student_notebook():
    solution = solution_notebook()
    student = student_notebook(solution)
    nbformat.validate(student)
    sources = [c.source for c in student.cells]
    assert sources == [
        "# Unit 1\nRead this first.",
        "import torch",
        'def double(x):\n    """Return 2 * x."""\n    # YOUR CODE HERE\n' f"    {CODE_STUB}",
        "ans_u1_1_q2 = None  # your answer",
        "x = 1\nprint(x)",
        "print('try things here')",
    ]
    for c in student.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
    meta = [c.metadata.get("nbgrader", {}) for c in student.cells]
    assert meta[0]["locked"] is True and meta[1]["locked"] is True  # given cells are locked
    assert meta[2]["locked"] is False and meta[3]["locked"] is False  # answer cells stay editable
    assert meta[4] == {} and meta[5] == {}


def test_student_notebook_leaves_the_solution_untouched():
    solution = solution_notebook()
    student_notebook(solution)
    assert "y = x * 2" in solution.cells[2].source
    assert solution.cells[1].outputs and len(solution.cells) == 7


def test_student_notebook_reports_the_cell_with_bad_markers():
    solution = solution_notebook()
    solution.cells[3].source = "### BEGIN SOLUTION\nans_u1_1_q2 = 'B'\n"
    with pytest.raises(MarkerError, match=r"^cell 4 \(u1\.1\.q2\): a solution region is not closed"):
        student_notebook(solution)


# --- grader.toml ------------------------------------------------------------------------

VALID = """
[course]
name = "Test course"

[limits]
cell_seconds = 10

[units.unit1]
title = "Tensors"

[units.unit1.points]
"u1.1.q1" = 10
"u1.2.q1" = 5

[units.unit1.manual_points]
"u1.2.q1" = 5
"""


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "grader.toml"
    path.write_text(text)
    return path


def config_error(tmp_path: Path, text: str) -> str:
    path = config_file(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    return message


def test_valid_config(tmp_path):
    config = load_config(config_file(tmp_path, VALID))
    assert config.course.name == "Test course"
    assert config.limits.cell_seconds == 10 and config.limits.notebook_seconds == 600  # default kept
    assert config.units["unit1"].points == {"u1.1.q1": 10, "u1.2.q1": 5}
    assert config.units["unit1"].manual_points == {"u1.2.q1": 5}


def test_find_course_walks_up(tmp_path):
    config_file(tmp_path, VALID)
    nested = tmp_path / "students" / "alice"
    nested.mkdir(parents=True)
    course = find_course(nested)
    assert course is not None and course.root == tmp_path.resolve()
    assert course.solutions == tmp_path.resolve() / "solutions"


def test_wrong_type(tmp_path):
    message = config_error(tmp_path, '[limits]\ncell_seconds = "fast"\n')
    assert "1 problem(s)" in message
    assert "key limits.cell_seconds: Input should be a valid number" in message


def test_wrong_type_of_points_names_the_quoted_exercise_key(tmp_path):
    message = config_error(tmp_path, '[units.unit1.points]\n"u1.1.q1" = "ten"\n')
    assert 'key units.unit1.points."u1.1.q1": Input should be a valid number' in message


def test_unknown_key(tmp_path):
    message = config_error(tmp_path, "[limits]\ncell_secs = 3\n")
    assert "key limits.cell_secs: unknown key (check its spelling)" in message
    message = config_error(tmp_path, "[limit]\ncell_seconds = 3\n")
    assert "key limit: unknown key (check its spelling)" in message


def test_bad_exercise_id(tmp_path):
    message = config_error(tmp_path, '[units.unit1.points]\n"u1.1.q1" = 10\n"q2" = 5\n')
    assert "key units.unit1.points: 'q2' is not an exercise id like 'u1.3.q1'" in message


def test_negative_points_and_out_of_range_limits(tmp_path):
    assert "key units.unit1.points: points for u1.1.q1 must not be negative" in config_error(
        tmp_path, '[units.unit1.points]\n"u1.1.q1" = -1\n')
    assert "key limits.cell_seconds: Input should be greater than 0" in config_error(
        tmp_path, "[limits]\ncell_seconds = 0\n")
    assert "key sandbox.backend: Input should be 'local', 'docker' or 'portable'" in config_error(
        tmp_path, '[sandbox]\nbackend = "k8s"\n')


def test_several_problems_are_all_listed(tmp_path):
    message = config_error(tmp_path, '[limits]\ncell_seconds = "x"\nmemory_mib = 1\nspeed = 3\n')
    assert "3 problem(s)" in message
    assert "limits.cell_seconds" in message and "limits.memory_mib" in message and "limits.speed" in message


def test_missing_points_table(tmp_path):
    message = config_error(tmp_path, '[units.unit1]\ntitle = "T"\n')
    assert "key units.unit1.points: Field required" in message


def test_invalid_toml_names_the_file(tmp_path):
    message = config_error(tmp_path, "[limits\ncell_seconds = 3\n")
    assert "is not valid TOML" in message and "line 1" in message


def test_unreadable_config(tmp_path):
    path = tmp_path / "missing" / "grader.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: cannot be read (No such file or directory)"


@pytest.mark.parametrize("user,says", [("0:0", "must not run as root"), ("1000:0", "must not run as root"),
                                       ("root", "numeric uid:gid")])
def test_docker_user_is_never_root(tmp_path, user, says):
    message = config_error(tmp_path, VALID + f'\n[sandbox]\nbackend = "docker"\nuser = "{user}"\n')
    assert "sandbox.user" in message and says in message
