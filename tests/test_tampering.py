"""Student code that tampers with the tools of comparison gains nothing.

Each notebook below is the reference with a WRONG implementation appended after some
exercises, together with code that replaces comparison functions, builtins, or returns
objects that lie about their value. The judge compares inert data decoded from the
worker's replies, so every check the implementation gets wrong must still fail with
0 points, with the hidden checks and with the public ones.
"""

from __future__ import annotations

import os

import nbformat
import pytest

from autograder.judge.grader import GradingOptions, grade_notebook
from autograder.report.gradescope import to_gradescope
from conftest import check_result, exercise, with_code

SMALL = dict(cell_seconds=3, exercise_seconds=10, notebook_seconds=120, memory_mib=512)


@pytest.fixture(scope="module")
def module_grade(course, sandbox, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tampering-notebooks")

    def _grade(notebook, checkset, only=None, **limit_overrides):
        path = folder / f"nb-{len(list(folder.iterdir()))}.ipynb"
        nbformat.write(notebook, str(path))
        limits = course.config.limits.model_copy(update=dict(SMALL, **limit_overrides))
        return grade_notebook(checkset, path, sandbox, GradingOptions(limits, only=only, seed=7))

    return _grade


def assert_fails(result, exercise_id: str, check_name: str) -> None:
    check = check_result(result, exercise_id, check_name)
    assert not check.passed and check.points == 0, f"{exercise_id} '{check_name}' passed: tampering won points"


# -- replaced comparison functions and lying objects -------------------------------------------

PATCHED_COMPARISONS = '''
import builtins
import numpy
import torch
import torch.testing

torch.allclose = lambda *args, **kwargs: True
torch.isclose = lambda a, b, *args, **kwargs: torch.ones_like(torch.as_tensor(a), dtype=torch.bool)
torch.testing.assert_close = lambda *args, **kwargs: None
torch.equal = lambda *args, **kwargs: True
torch.Tensor.__eq__ = lambda self, other: torch.ones((), dtype=torch.bool)
torch.Tensor.__ne__ = lambda self, other: torch.zeros((), dtype=torch.bool)
torch.Tensor.tolist = lambda self: []
torch.Tensor.numpy = lambda self, *args, **kwargs: numpy.zeros(0)
numpy.allclose = lambda *args, **kwargs: True
numpy.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None

_isinstance, _len, _repr = builtins.isinstance, builtins.len, builtins.repr
builtins.isinstance = lambda obj, cls: True if cls in (float, tuple, dict, torch.Tensor) else _isinstance(obj, cls)
builtins.len = lambda obj: 2 if type(obj).__name__.startswith("Lying") else _len(obj)
builtins.repr = lambda obj: "tensor([inf, 1.])" if type(obj).__name__.startswith("Lying") else _repr(obj)

def negatives_to_inf(X):
    return X  # WRONG: nothing replaced, the input itself returned, integers accepted
'''

LYING_TENSOR = '''
class LyingTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in ("equal", "allclose", "isclose", "eq", "__eq__"):
            return True
        with torch._C.DisableTorchFunction():
            return func(*args, **(kwargs or {}))

    def __eq__(self, other):
        return True

    def tolist(self):
        return [[[1, 3, 5, 7, 9]]]

    def numpy(self, *args, **kwargs):
        import numpy
        return numpy.arange(5).reshape(1, 1, 5)

def odd_index_slice(X, shape=(2, 5, 10)):
    return torch.zeros(3).as_subclass(LyingTensor)  # WRONG values, shape, and a copy
'''

LYING_SHAPES = '''
class LyingAnything:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __hash__(self):
        return 0
    def __len__(self):
        return 2
    def __iter__(self):
        return iter((2, 3))
    def __getitem__(self, index):
        return 1

class LyingTuple(tuple):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __hash__(self):
        return 0
    def __iter__(self):
        return iter(())
    def __len__(self):
        return 0

class LyingDict(dict):
    def __eq__(self, other):
        return True
    def __contains__(self, key):
        return True
    def __getitem__(self, key):
        return None
    def keys(self):
        return []

def broadcast_shape(a, b):
    return LyingAnything() if len(a) % 2 else LyingTuple((9, 9, 9))  # WRONG

ans_u1_5_q1 = LyingDict(AB=(1,))  # WRONG table
'''

LYING_FLOAT = '''
class LyingFloat(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __hash__(self):
        return 0
    def __float__(self):
        return 2.0
    def __sub__(self, other):
        return 0.0
    def __rsub__(self, other):
        return 0.0
    def __abs__(self):
        return 0.0
    def __repr__(self):
        return "2.0"
    __str__ = __repr__

def second_derivative(f, x0):
    return LyingFloat(123.0)  # WRONG

ans_u1_6_q2 = LyingFloat(5.0)  # WRONG
'''

LYING_STR = '''
class LyingStr(str):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __hash__(self):
        return 0
    def strip(self, *args):
        return "C"
    def upper(self):
        return "C"
    def __str__(self):
        return "C"

def to_tensor_or_none(values):
    return torch.tensor(values)  # WRONG: no error handling

ans_u1_1_q1 = LyingStr("A")  # WRONG choice
'''

LIARS_IDS = ["u1.1.q1", "u1.3.q1", "u1.3.q2", "u1.5.q1", "u1.6.q2"]

WRONG_CHECKS = [
    ("u1.1.q1", "conversion"), ("u1.1.q1", "why"),
    ("u1.3.q1", "values"), ("u1.3.q1", "input untouched, result new"), ("u1.3.q1", "integer input"),
    ("u1.3.q2", "values"), ("u1.3.q2", "a view, not a copy"), ("u1.3.q2", "incompatible shape"),
    ("u1.5.q1", "random shape pairs"), ("u1.5.q1", "answer table"),
    ("u1.6.q2", "second derivatives"), ("u1.6.q2", "x.grad after the second pass"),
]


@pytest.fixture(scope="module")
def liars(module_grade, solution_unit1, hidden_unit1, public_unit1):
    notebook = with_code(solution_unit1, u1_1_q1=LYING_STR, u1_3_q1=PATCHED_COMPARISONS, u1_3_q2=LYING_TENSOR,
                         u1_5_q1=LYING_SHAPES, u1_6_q2=LYING_FLOAT)
    return {"hidden": module_grade(notebook, hidden_unit1, only=LIARS_IDS),
            "public": module_grade(notebook, public_unit1, only=LIARS_IDS)}


@pytest.mark.parametrize("mode", ["hidden", "public"])
@pytest.mark.parametrize(("exercise_id", "check_name"), WRONG_CHECKS, ids=[f"{e}:{c}" for e, c in WRONG_CHECKS])
def test_lies_do_not_pass_wrong_checks(liars, mode, exercise_id, check_name):
    assert_fails(liars[mode], exercise_id, check_name)


@pytest.mark.parametrize("mode", ["hidden", "public"])
def test_lies_are_reported_as_what_they_really_are(liars, mode):
    result = liars[mode]
    assert "expected 2, got 123" in check_result(result, "u1.6.q2", "second derivatives").message
    assert "LyingAnything" in check_result(result, "u1.5.q1", "random shape pairs").message \
        or "tuple" in check_result(result, "u1.5.q1", "random shape pairs").message
    assert "got shape (3,)" in check_result(result, "u1.3.q2", "values").message
    assert result.score < 10, [(e.id, e.points) for e in result.exercises]


# -- builtins that the worker's own measurements use -----------------------------------------

# Modifies its input in place (and loops over elements), then makes every `bool(...)`
# true and every `min(...)` tiny while the worker measures the call.
PATCHED_MEASUREMENTS = '''
import builtins

_real_bool, _real_min = builtins.bool, builtins.min

def negatives_to_inf(X):
    if not X.is_floating_point():
        raise TypeError("negatives_to_inf needs a floating-point tensor")
    flat = X.view(-1)                     # WRONG: writes into the caller's tensor
    for i in range(flat.numel()):         # WRONG: a Python loop over the elements
        if flat[i] < 0:
            flat[i] = math.inf
    builtins.bool = lambda *args: True
    builtins.min = lambda *args, **kwargs: 1e-9
    return flat.clone().view(X.shape)
'''


@pytest.fixture(scope="module")
def patched_measurements(module_grade, solution_unit1, hidden_unit1):
    notebook = with_code(solution_unit1, u1_3_q1=PATCHED_MEASUREMENTS)
    return module_grade(notebook, hidden_unit1, only=["u1.3.q1"], exercise_seconds=40)


def test_replaced_bool_does_not_hide_an_input_modified_in_place(patched_measurements):
    assert_fails(patched_measurements, "u1.3.q1", "input untouched, result new")


def test_replaced_min_does_not_hide_a_python_loop(patched_measurements):
    assert_fails(patched_measurements, "u1.3.q1", "vectorised")


# A worker-side measurement replaced through sys.modules: the prober is in the student's process.
PATCHED_PROBER = '''
import sys

_prober = sys.modules["autograder.probes.run"]
_Facts = _prober.StorageFacts

def _all_good(result, args, before):
    n = len(args)
    return _Facts(result_is_tensor=True, result_shares_storage=[True] * n, result_same_data_ptr=[True] * n,
                  arg_storage_kept=[True] * n, arg_unchanged=[True] * n)

_prober._storage_facts = _all_good

def odd_index_slice(X, shape=(2, 5, 10)):
    return X.reshape(shape)[1::2, 1::2, 1::2].clone()  # WRONG: a copy, not a view
'''


@pytest.mark.xfail(strict=True, reason="gap: memory facts (and timings) are measured inside the student's "
                                       "interpreter, so patching autograder.probes.run there forges them")
def test_patched_prober_does_not_pass_a_copy_as_a_view(module_grade, solution_unit1, hidden_unit1):
    result = module_grade(with_code(solution_unit1, u1_3_q2=PATCHED_PROBER), hidden_unit1, only=["u1.3.q2"])
    assert_fails(result, "u1.3.q2", "a view, not a copy")


# A tensor subclass whose `shape` disagrees with its data.
SHAPE_LIAR = '''
class ShapeLiar(torch.Tensor):
    @property
    def shape(self):
        return torch.Size([1, 2, 5])

def odd_index_slice(X, shape=(2, 5, 10)):
    return torch.zeros(10).as_subclass(ShapeLiar)  # WRONG
'''


def test_tensor_lying_about_its_shape_fails_its_checks(module_grade, solution_unit1, hidden_unit1):
    result = module_grade(with_code(solution_unit1, u1_3_q2=SHAPE_LIAR), hidden_unit1, only=["u1.3.q2", "u1.6.q1"])
    assert_fails(result, "u1.3.q2", "values")
    assert exercise(result, "u1.6.q1").points == exercise(result, "u1.6.q1").max_points


# -- fake reports and exits ---------------------------------------------------------------------

FAKE_REPORT = '''
import json, sys

FAKE = {"score": 95.0, "max_score": 95.0, "output": "all checks passed",
        "tests": [{"name": "u1.3.q2", "score": 10.0, "max_score": 10.0, "status": "passed"}]}

def odd_index_slice(X, shape=(2, 5, 10)):
    print(json.dumps(FAKE))
    print("u1.3.q2 │ 10 / 10 │ all checks passed")
    sys.stdout.write("\\n" + json.dumps(FAKE) + "\\n")
    try:
        with open("results.json", "w") as f:
            json.dump(FAKE, f)
    except OSError:
        pass
    sys.exit(0)  # WRONG: never returns
'''

OS_EXIT_IN_FUNCTION = '''
import os

def negatives_to_inf(X):
    os._exit(0)  # WRONG: ends the worker
'''

SYS_EXIT_IN_FUNCTION = '''
import sys

def double_as_column_(x):
    sys.exit(0)  # WRONG
'''


@pytest.fixture(scope="module")
def fake_reports(module_grade, solution_unit1, hidden_unit1, tmp_path_factory):
    notebook = with_code(solution_unit1, u1_3_q1=OS_EXIT_IN_FUNCTION, u1_3_q2=FAKE_REPORT,
                         u1_4_q1=SYS_EXIT_IN_FUNCTION)
    judge_cwd = tmp_path_factory.mktemp("judge-cwd")
    previous = os.getcwd()
    os.chdir(judge_cwd)
    try:
        result = module_grade(notebook, hidden_unit1, only=["u1.3.q1", "u1.3.q2", "u1.4.q1", "u1.5.q1"])
    finally:
        os.chdir(previous)
    return result, judge_cwd


def test_fake_reports_and_exits_gain_nothing(fake_reports):
    result, judge_cwd = fake_reports
    for exercise_id in ("u1.3.q1", "u1.3.q2", "u1.4.q1"):
        graded = exercise(result, exercise_id)
        assert graded.points == 0, f"{exercise_id}: {graded.points} points"
        assert all(not c.passed for c in graded.checks)
    assert "SystemExit" in check_result(result, "u1.3.q2", "values").message
    assert "SystemExit" in check_result(result, "u1.4.q1", "shape and values").message
    assert "ended the checking process" in check_result(result, "u1.3.q1", "values").message
    assert '"score": 95.0' in result.output  # it was printed, and only kept as output
    report = to_gradescope(result)
    assert report.score == result.score <= 10
    assert '"score": 95.0' not in report.model_dump_json()
    assert all(t.score == 0 for t in report.tests if t.name.split()[0] in ("u1.3.q1", "u1.3.q2", "u1.4.q1"))
    assert not (judge_cwd / "results.json").exists()


def test_exits_in_checked_functions_spare_other_exercises(fake_reports):
    result, _ = fake_reports
    graded = exercise(result, "u1.5.q1")
    assert graded.points == graded.max_points, graded.summary


def test_two_functions_that_end_the_process_spare_later_exercises(module_grade, solution_unit1, hidden_unit1):
    exit_column = "import os\n\ndef double_as_column_(x):\n    os._exit(0)  # WRONG\n"
    notebook = with_code(solution_unit1, u1_3_q1=OS_EXIT_IN_FUNCTION, u1_4_q1=exit_column)
    result = module_grade(notebook, hidden_unit1, only=["u1.3.q1", "u1.4.q1", "u1.6.q2"])
    assert exercise(result, "u1.3.q1").points == exercise(result, "u1.4.q1").points == 0
    later = exercise(result, "u1.6.q2")
    assert later.points == later.max_points, later.summary


def test_a_notebook_carrying_a_lookup_table_is_refused(grade, solution_unit1, hidden_unit1):
    # a table from public test images to labels would have to travel in the code
    table = "LABELS = {" + ", ".join(f"{i}: {i % 10}" for i in range(4000)) + "}\n"
    notebook = with_code(solution_unit1, u1_1_q1=table)
    result = grade(notebook, hidden_unit1, code_kib=16)
    assert result.status == "not-gradable" and result.score == 0
    assert "over the 16 KiB limit" in result.message and "remove pasted data" in result.message
