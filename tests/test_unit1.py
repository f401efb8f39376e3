"""Unit 1 end to end: for every exercise the reference scores full marks, the stub scores
zero with a "not implemented" style message, and every catalogued mistake loses the
points of the check that names it, with the message it should give."""

from __future__ import annotations

from autograder.authoring.validate import append_after_exercises
from conftest import check_result, exercise
from unitcontract import contract

# the fixtures and the contract tests (full marks, zero, mistakes) that every unit shares
globals().update(contract("unit1"))


def test_totals_and_manual_points(reference_results, stub_results):
    full = reference_results["hidden"]
    assert full.score == full.max_score == 95
    assert full.manual_points == 5  # u1.2.q2's discussion is kept apart, for the TA
    assert stub_results["public"].score == 0


def test_feedback_names_function_input_and_difference(mistake_results):
    graded = mistake_results[("u1.3.q1", "strict comparison sends zeros to inf")]
    message = check_result(graded, "u1.3.q1", "values").message
    assert message == ("negatives_to_inf: for an input holding 0, -0, -inf, inf and nan, "
                       "3 of 7 values differ; first at [0]: expected 0, got inf")


def test_hidden_inputs_are_described_not_printed(mistake_results):
    graded = mistake_results[("u1.2.q1", "vector infinity norm instead of the matrix norm")]
    message = check_result(graded, "u1.2.q1", "statistics").message
    assert "an input of shape (1, 2, 2), float32" in message
    assert "tensor(" not in message


def test_hidden_checks_draw_fresh_inputs(hidden_unit1):
    first = hidden_unit1.prepare("u1.3.q1", seed=1)[0]
    second = hidden_unit1.prepare("u1.3.q1", seed=2)[0]
    key = first.plan.cases[0].steps[0].args[0].key
    other = second.plan.cases[0].steps[0].args[0].key
    assert not first.tensors[key].equal(second.tensors[other])


SHORTCUTS = {
    # always raises the right exception: passes "integer input" without doing the work
    "u1.3.q1": "def negatives_to_inf(X):\n    raise TypeError('no')\n",
    # returns its input: a view that shares memory, but not the odd-index elements
    "u1.3.q2": "def odd_index_slice(X, shape=(2, 5, 10)):\n    return X\n",
    # a constant: the same result for the same generator, and no loop
    "u1.2.q1": "def make_uniform_batch(n=100, generator=None):\n    return torch.zeros(n, 2, 2)\n",
}


def test_side_checks_earn_nothing_while_the_values_are_wrong(module_grade, solution_unit1, hidden_unit1):
    notebook = append_after_exercises(solution_unit1, SHORTCUTS)
    result = module_grade(notebook, hidden_unit1, only=list(SHORTCUTS))
    raises = check_result(result, "u1.3.q1", "integer input")
    assert not raises.passed and "not credited until its 'values' check passes" in raises.message
    assert not check_result(result, "u1.3.q2", "a view, not a copy").passed
    assert not check_result(result, "u1.2.q1", "batch uses the generator").passed
    assert exercise(result, "u1.3.q1").points == 0 and exercise(result, "u1.3.q2").points == 0
    # the rest of u1.2.q1 (statistics, speed, answer) is right and keeps its points
    assert check_result(result, "u1.2.q1", "no loop over matrices").passed


# --- correct variants the catalogue allows keep their points ----------------------------------

def test_a_uniform_batch_drawn_in_another_order_passes(module_grade, solution_unit1, hidden_unit1):
    """u1.2.q1: the catalogue fixes the shape (n, 2, 2), float32 and U[0, 1), not which random
    numbers fill the batch; a batch drawn as (2, 2, n) and permuted keeps its points, and draws
    that are not uniform on [0, 1) still lose them."""
    permuted = ("def make_uniform_batch(n=100, generator=None):\n"
                "    return torch.rand(2, 2, n, generator=generator).permute(2, 0, 1)\n")
    result = module_grade(append_after_exercises(solution_unit1, {"u1.2.q1": permuted}), hidden_unit1,
                          only=["u1.2.q1"])
    for name in ("uniform batch", "batch uses the generator"):
        check = check_result(result, "u1.2.q1", name)
        assert check.passed and check.points == check.max_points, check.message
    normal = "def make_uniform_batch(n=100, generator=None):\n    return torch.randn(n, 2, 2, generator=generator)\n"
    result = module_grade(append_after_exercises(solution_unit1, {"u1.2.q1": normal}), hidden_unit1, only=["u1.2.q1"])
    message = check_result(result, "u1.2.q1", "uniform batch").message
    assert "expected True at ['every value in [0, 1)'], got False" in message
