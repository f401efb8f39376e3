"""Every rule, judged the way the grader judges it: the same steps run against a reference
namespace and a student namespace with the in-process prober, the student's side sent
through the wire format, then `checks.evaluate` on each case.

For each rule: the reference passes, a realistic mistake fails with the message a student
reads, and a stub (`raise NotImplementedError`) fails with "is not implemented yet".
"""

from __future__ import annotations


import time

import pytest
import torch
from pydantic import TypeAdapter

from autograder.checks import CaseContext, Verdict, evaluate
from autograder.checks.answer import AnswerRule, digest, hash_leaves
from autograder.checks.observed import Observed
from autograder.exercises import spec as S
from autograder.probes.helpers import HelperModules
from autograder.probes.run import Prober
from autograder.protocol import codec
from autograder.protocol.messages import CaseDone, StepOutcome
from autograder.protocol.values import TensorV

REPLY = TypeAdapter(CaseDone)
NOT_IMPLEMENTED = "is not implemented yet"


def stub(*args, **kwargs):
    raise NotImplementedError("replace this line with your code")


def over_the_wire(outcomes: list[StepOutcome], encoder: codec.Encoder) -> Observed:
    """What the judge holds after the worker's reply crossed the channel."""
    reply = REPLY.validate_json(CaseDone(outcomes=outcomes).model_dump_json())
    return Observed(reply.outcomes, codec.load_payload(encoder.payload(), 2**30))


def arguments(step, tensors) -> tuple:
    """The judge's inert view of a call's arguments (a strided view as its base)."""
    inert = Observed([], tensors)
    return tuple(inert.decode(a.model_copy(update={"view": None}) if isinstance(a, TensorV) else a) for a in step.args)


def grade(check: S.CheckSpec, reference: dict | None, student: dict, seed: int = 1,
          timeout: float | None = None, unit=None) -> str | None:
    """The first failing case's message, or None when every case passes."""
    outcome = verdict(check, reference, student, seed, timeout, unit)
    return None if outcome.passed else outcome.message


def verdict(check: S.CheckSpec, reference: dict | None, student: dict, seed: int = 1,
            timeout: float | None = None, unit=None) -> Verdict:
    """How the check came out: the first case that did not pass, or a pass. `unit` (a loaded
    unit's code) gives its registry and fixture modules; without it, the engine's."""
    plan, tensors = check.plan(seed=seed, key_prefix="in/")
    helpers = HelperModules(unit.fixture_package) if unit is not None else None
    reference_prober, student_prober = Prober(reference or {}, helpers=helpers), Prober(student, helpers=helpers)
    registry = {"registry": unit.registry} if unit is not None else {}
    for index, case in enumerate(plan.cases):
        case_seed = plan.seed + 1000 * index
        expected = None
        if plan.needs_reference:
            outcomes, encoder = reference_prober.run_case(case.steps, case_seed, tensors, None, f"out{index}/")
            expected = Observed(outcomes, encoder.tensors)
        actual = over_the_wire(*student_prober.run_case(case.steps, case_seed, tensors, timeout))
        context = CaseContext(plan.artifact, case.label, expected, actual, plan.case_seconds,
                              tuple(case.step_labels), arguments(case.steps[0], tensors),
                              tensors.get(case.held) if case.held else None, **registry)
        outcome = evaluate(plan.rule, context)
        if not outcome.passed:
            return outcome
    return Verdict.pass_()


X3 = torch.tensor([1.0, -2.0, 3.0])


# --- output -----------------------------------------------------------------------------

def double(x):
    return x * 2


OUTPUT = S.output("values", "f", [S.case(X3), S.case(torch.randn(2, 2, generator=torch.Generator().manual_seed(0)))])


def test_output_reference_passes():
    assert grade(OUTPUT, {"f": double}, {"f": double}) is None


def test_output_wrong_values():
    def triple(x):
        return x * 3

    message = grade(OUTPUT, {"f": double}, {"f": triple})
    assert message == ("f: for an input of shape (3,), float32, 3 of 3 values differ; first at [0]: "
                       "expected 2, got 3; largest difference 3 at [2]")


def test_output_forgot_to_return():
    def prints(x):
        print(x * 2)

    message = grade(OUTPUT, {"f": double}, {"f": prints})
    assert message == "f: for an input of shape (3,), float32, expected a tensor (shape (3,), float32), got None"


def test_output_wrong_dtype_and_numpy():
    assert grade(OUTPUT, {"f": double}, {"f": lambda x: (x * 2).long()}) == (
        "f: for an input of shape (3,), float32, expected dtype float32, got int64")
    assert grade(OUTPUT, {"f": double}, {"f": lambda x: (x * 2).numpy()}) == (
        "f: for an input of shape (3,), float32, expected a torch tensor, got a NumPy array "
        "(convert it with torch.from_numpy)")


def test_output_student_error_is_reported_with_its_type_and_message():
    def crashes(x):
        return x @ x

    message = grade(S.output("values", "f", [S.case(torch.ones(2, 3))]), {"f": double}, {"f": crashes})
    assert message.startswith("for an input of shape (2, 3), float32, f raised RuntimeError: ")
    assert "mat1 and mat2 shapes cannot be multiplied" in message


def test_output_stub_and_missing_function():
    assert grade(OUTPUT, {"f": double}, {"f": stub}) == f"f {NOT_IMPLEMENTED}"
    assert grade(OUTPUT, {"f": double}, {}) == "f is not defined: run the cell that defines it, and check its name"


def test_output_timeout():
    def endless(x):
        while True:
            pass

    check = S.output("values", "f", [S.case(X3)])
    message = grade(check, {"f": double}, {"f": endless}, timeout=0.1)
    assert message == "for an input of shape (3,), float32, f did not finish within 10 s"


def test_output_several_calls_name_the_call_that_differs():
    check = S.output("values", "f", [S.sequence(S.call(torch.ones(2)), S.call(torch.ones(3, dtype=torch.float64)))])

    def wrong_for_float64(x):
        return x * 2 if x.dtype == torch.float32 else x

    assert grade(check, {"f": double}, {"f": double}) is None
    message = grade(check, {"f": double}, {"f": wrong_for_float64})
    assert message.startswith("f: for an input of shape (3,), float64, 3 of 3 values differ")


def test_output_dict_result_names_the_key():
    def stats(x):
        return {"mean": x.mean(), "max": x.max()}

    def wrong_stats(x):
        return {"mean": x.mean(), "max": x.abs().max()}

    check = S.output("stats", "f", [S.case(torch.tensor([1.0, -5.0, 2.0]))])
    assert grade(check, {"f": stats}, {"f": stats}) is None
    assert grade(check, {"f": stats}, {"f": wrong_stats}) == (
        "f: for an input of shape (3,), float32, the value at ['max'] differs: expected 2, got 5")


def test_output_transform_puts_eigenvalues_in_a_canonical_order():
    matrices = torch.tensor([[[0.0, -1.0], [1.0, 0.0]], [[2.0, 0.0], [0.0, 1.0]]])

    def eig(x):
        return {"eigvals": torch.linalg.eigvals(x)}

    def eig_reversed(x):
        return {"eigvals": torch.linalg.eigvals(x).flip(-1)}

    sorted_check = S.output("eig", "f", [S.case(matrices)], transforms={"eigvals": "sort_complex_last"})
    plain_check = S.output("eig", "f", [S.case(matrices)])
    assert grade(sorted_check, {"f": eig}, {"f": eig_reversed}) is None
    assert "at ['eigvals']" in grade(plain_check, {"f": eig}, {"f": eig_reversed})


# --- raises -----------------------------------------------------------------------------

def needs_matrix(x):
    if x.ndim != 2:
        raise ValueError("expected a matrix")
    return x


RAISES = S.raises("rejects vectors", "f", [S.case(X3)], exceptions=["ValueError"])


def test_raises_reference_passes():
    assert grade(RAISES, None, {"f": needs_matrix}) is None


def test_raises_subclass_of_the_expected_exception_passes():
    class ShapeError(ValueError):
        pass

    def raises_subclass(x):
        raise ShapeError("no")

    assert grade(RAISES, None, {"f": raises_subclass}) is None


def test_raises_wrong_exception():
    def raises_type_error(x):
        raise TypeError("expected a matrix")

    assert grade(RAISES, None, {"f": raises_type_error}) == (
        "f: for an input of shape (3,), float32, it should raise ValueError, but it raised TypeError")


def test_raises_returns_instead():
    assert grade(RAISES, None, {"f": lambda x: x}) == (
        "f: for an input of shape (3,), float32, it should raise ValueError, but it returned a tensor")


def test_raises_stub_fails_even_when_its_exception_would_match():
    assert grade(RAISES, None, {"f": stub}) == f"f {NOT_IMPLEMENTED}"
    # NotImplementedError is a RuntimeError, but a stub must not pass a check that wants one
    wants_runtime_error = S.raises("rejects", "f", [S.case(X3)], exceptions=["RuntimeError", "NotImplementedError"])
    assert grade(wants_runtime_error, None, {"f": stub}) == f"f {NOT_IMPLEMENTED}"


# --- memory -----------------------------------------------------------------------------

def relu_(x):
    return x.clamp_(min=0)


IN_PLACE = S.memory("in place", "relu_", [S.case(torch.tensor([-1.0, 2.0, -3.0, 4.0]))],
                    result_same_data_ptr=True, arg_storage_kept=True, args_after_like_reference=True)


def test_memory_in_place_reference_passes():
    assert grade(IN_PLACE, {"relu_": relu_}, {"relu_": relu_}) is None


def test_memory_in_place_returns_a_copy():
    def relu_copy(x):
        return x.clamp(min=0)

    assert grade(IN_PLACE, {"relu_": relu_}, {"relu_": relu_copy}) == (
        "relu_: for an input of shape (4,), float32, the result does not start at the input's memory address; "
        "it should reuse the input's memory, not copy it")


def test_memory_in_place_with_the_wrong_values():
    def zero_(x):
        return x.zero_()

    message = grade(IN_PLACE, {"relu_": relu_}, {"relu_": zero_})
    assert message.startswith("relu_: for an input of shape (4,), float32, after the call the input is not as "
                              "expected: 2 of 4 values differ; first at [1]: expected 2, got 0")


def test_memory_in_place_on_a_strided_view_reports_the_whole_base():
    base = torch.tensor([-1.0, 5.0, 2.0, 5.0, -3.0])
    check = S.memory("in place", "relu_", [S.case(S.every_other(base), label="a strided view base[::2]")],
                     arg_storage_kept=True, arg_unchanged=False, args_after_like_reference=True)

    def relu_contiguous_(x):
        x = x.contiguous()  # a copy for a strided view: the caller's tensor is not changed
        return x.clamp_(min=0)

    assert grade(check, {"relu_": relu_}, {"relu_": relu_}) is None
    assert grade(check, {"relu_": relu_}, {"relu_": relu_contiguous_}) == (
        "relu_: for a strided view base[::2], the input was not modified; the operation must happen in place")


def test_memory_stub():
    assert grade(IN_PLACE, {"relu_": relu_}, {"relu_": stub}) == f"relu_ {NOT_IMPLEMENTED}"


VIEW = S.memory("a view", "odd", [S.case(torch.arange(10.0))], result_shares_storage=True, arg_unchanged=True)


def odd_entries(x):
    return x[1::2]


def test_memory_view_reference_passes():
    assert grade(VIEW, {"odd": odd_entries}, {"odd": odd_entries}) is None


def test_memory_view_returns_a_copy():
    def odd_copy(x):
        return x[1::2].clone()

    def odd_by_index(x):
        return x[torch.arange(1, 10, 2)]

    expected = ("odd: for an input of shape (10,), float32, the result is a copy; it should be a view that "
                "shares memory with the input")
    assert grade(VIEW, {"odd": odd_entries}, {"odd": odd_copy}) == expected
    assert grade(VIEW, {"odd": odd_entries}, {"odd": odd_by_index}) == expected


def test_memory_view_that_modifies_its_input():
    def odd_and_scribble(x):
        x[0] = -1
        return x[1::2]

    assert grade(VIEW, {"odd": odd_entries}, {"odd": odd_and_scribble}) == (
        "odd: for an input of shape (10,), float32, the input was modified; it must be left unchanged")


def test_memory_view_not_a_tensor_and_stub():
    assert grade(VIEW, {"odd": odd_entries}, {"odd": lambda x: x.tolist()[1::2]}) == (
        "odd: for an input of shape (10,), float32, expected a tensor result, got something else")
    assert grade(VIEW, {"odd": odd_entries}, {"odd": stub}) == f"odd {NOT_IMPLEMENTED}"


# --- perf -------------------------------------------------------------------------------

def scale_vectorised(x):
    return x * 2 + 1


def scale_looped(x):
    out = torch.empty_like(x)
    for i in range(x.numel()):
        out[i] = x[i] * 2 + 1
    return out


PERF_INPUT = [S.case(torch.randn(20_000, generator=torch.Generator().manual_seed(0)))]
PERF = S.perf("vectorised", "f", PERF_INPUT, max_ratio=5, repeats=10, case_seconds=5)
PERF_ONCE = S.perf("vectorised", "f", PERF_INPUT, max_ratio=5, repeats=1, case_seconds=5)  # loops are slow to time


def test_perf_reference_passes():
    assert grade(PERF, {"f": scale_vectorised}, {"f": scale_vectorised}) is None


def test_perf_looped_function_fails():
    message = grade(PERF_ONCE, {"f": scale_vectorised}, {"f": scale_looped})
    assert message.startswith("f: for an input of shape (20000,), float32, it is about ")
    assert message.endswith("x slower than a vectorised solution (at most 5x is accepted); "
                            "avoid Python loops over elements; use tensor operations")
    slowdown = float(message.split("about ")[1].split("x")[0])
    assert slowdown > 20


def test_perf_timeout_gives_the_hint():
    def endless(x):
        while True:
            pass

    message = grade(PERF_ONCE, {"f": scale_vectorised}, {"f": endless}, timeout=0.1)
    assert message == ("f: for an input of shape (20000,), float32, it did not finish within 5 s; "
                       "avoid Python loops over elements; use tensor operations")


def test_perf_a_fast_call_paused_by_a_busy_machine_is_measured_until_fair():
    """A busy machine may pause a fast call during its first measurements (the course's three);
    it is measured again for a while, so a vectorised answer is not judged slower than itself."""
    calls = []

    def paused_at_first(x):
        calls.append(x)
        if len(calls) <= 4:
            time.sleep(0.01)  # hundreds of times the call's own time
        return scale_vectorised(x)

    check = S.perf("vectorised", "f", PERF_INPUT, max_ratio=5, case_seconds=5)
    assert grade(check, {"f": scale_vectorised}, {"f": paused_at_first}) is None
    assert len(calls) > 4


def test_perf_believes_a_workers_yardstick_only_up_to_four_times_the_references():
    """A yardstick measured while the student's process was starved would excuse a loop: a
    call 50 times slower than the reference, with a yardstick 20 times slower, counts as 12.5x
    (the yardstick is believed up to 4x), not 2.5x."""
    from types import SimpleNamespace

    from autograder.checks.perf import relative_slowdown

    def side(seconds: float, yardstick: float):
        step = StepOutcome(seconds=seconds, calibration_seconds=yardstick)
        return SimpleNamespace(step=lambda: step)

    reference = side(0.001, 0.001)
    starved = SimpleNamespace(expected_ok=lambda: reference, actual=side(0.05, 0.02))
    assert relative_slowdown(starved) == pytest.approx(12.5)
    fair = SimpleNamespace(expected_ok=lambda: reference, actual=side(0.05, 0.002))
    assert relative_slowdown(fair) == pytest.approx(25)


def test_perf_stub_never_passes():
    assert grade(PERF, {"f": scale_vectorised}, {"f": stub}) == f"f {NOT_IMPLEMENTED}"


# --- answer -----------------------------------------------------------------------------

NUMERIC = S.answer("value", "ans_q", digits=3)


def test_answer_numeric():
    assert grade(NUMERIC, {"ans_q": 0.125}, {"ans_q": 0.1251}) is None
    assert grade(NUMERIC, {"ans_q": 3}, {"ans_q": 3.0}) is None
    message = grade(NUMERIC, {"ans_q": 0.125}, {"ans_q": 0.13})
    assert message == "ans_q is not correct"
    assert "0.125" not in message  # feedback never states the answer


def test_answer_stub_and_missing():
    assert grade(NUMERIC, {"ans_q": 0.125}, {"ans_q": None}) == "ans_q has no answer yet"
    assert grade(NUMERIC, {"ans_q": 0.125}, {}) == "ans_q is not defined: write your answer as ans_q = ..."


def test_answer_table_names_the_wrong_entry():
    table = {"AB": (3, 2), "AC": None}
    assert grade(NUMERIC, {"ans_q": table}, {"ans_q": {"AB": [3, 2], "AC": None}}) is None
    assert grade(NUMERIC, {"ans_q": table}, {"ans_q": {"AB": (2, 3), "AC": None}}) == "ans_q['AB'] is not correct"
    assert grade(NUMERIC, {"ans_q": table}, {"ans_q": {"AB": (3, 2)}}) == "ans_q['AC'] (missing) is not correct"
    assert grade(NUMERIC, {"ans_q": table}, {"ans_q": {**table, "AD": 1}}) == (
        "ans_q['AD'] (not asked for) is not correct")
    assert grade(NUMERIC, {"ans_q": table}, {"ans_q": [(3, 2), None]}) == "ans_q is not correct"


def test_answers_the_wire_cannot_carry_are_never_taken_as_right():
    """A dict with float keys arrives as an opaque "dict" on both sides: comparing those would
    pass any dict. The student is told what to write; an author whose reference answer has this
    form gets an internal error (validate reports it) and should use a rerun check instead."""
    from autograder.checks import ReferenceFailed

    assert grade(NUMERIC, {"ans_q": {"a": 1}}, {"ans_q": {0.1: 0.5}}) == (
        "ans_q should hold plain numbers, strings, lists or dicts with string keys; got an object of type dict")
    with pytest.raises(ReferenceFailed):
        grade(NUMERIC, {"ans_q": {0.1: 0.5}}, {"ans_q": {0.2: 0.7}})


CHOICE = S.answer("choice", "ans_mc", choices="ABCD")


def test_answer_multiple_choice():
    assert grade(CHOICE, {"ans_mc": "B"}, {"ans_mc": "B"}) is None
    assert grade(CHOICE, {"ans_mc": "B"}, {"ans_mc": " (b) "}) is None
    assert grade(CHOICE, {"ans_mc": "B"}, {"ans_mc": "C"}) == "ans_mc = 'C' is not the right choice"
    assert grade(CHOICE, {"ans_mc": "B"}, {"ans_mc": "E"}) == "ans_mc should be one of the letters A, B, C, D; got 'E'"
    assert grade(CHOICE, {"ans_mc": "B"}, {"ans_mc": 2}) == "ans_mc should be one of the letters A, B, C, D; got 2"
    assert grade(CHOICE, {"ans_mc": "B"}, {"ans_mc": None}) == "ans_mc has no answer yet"


def hashed_grade(rule: AnswerRule, answer, student: dict) -> str | None:
    """As public checks grade: the expected answer is only its salted digests."""
    check = S.answer("hashed", "ans_q")
    plan, tensors = check.plan(seed=1)
    expected = Observed([StepOutcome(result=codec.Encoder().encode(hash_leaves(rule, answer)))], {})
    actual = over_the_wire(*Prober(student).run_case(plan.cases[0].steps, plan.seed, tensors))
    outcome = evaluate(rule, CaseContext("ans_q", "", expected, actual, 10.0))
    return None if outcome.passed else outcome.message


def test_answer_hashed():
    rule = AnswerRule(digits=3, hashed=True, salt="pepper")
    answer = {"lr": 0.125, "shape": (2, 3), "none": None}
    assert hashed_grade(rule, answer, {"ans_q": {"lr": 0.1251, "shape": [2, 3], "none": None}}) is None
    assert hashed_grade(rule, answer, {"ans_q": {"lr": 0.5, "shape": (2, 3), "none": None}}) == "ans_q['lr'] is not correct"
    assert hashed_grade(rule, answer, {"ans_q": {"lr": 0.125, "none": None}}) == "ans_q['shape'] (missing) is not correct"
    assert hashed_grade(rule, answer, {"ans_q": None}) == "ans_q has no answer yet"
    assert hashed_grade(rule, 0.125, {"ans_q": 0.125}) is None
    assert hashed_grade(rule, 0.125, {"ans_q": 0.2}) == "ans_q is not correct"


def test_answer_hashed_choice():
    rule = AnswerRule(choices="ABCD", hashed=True, salt="s")
    assert hashed_grade(rule, "B", {"ans_q": "b"}) is None
    assert hashed_grade(rule, "B", {"ans_q": "C"}) == "ans_q = 'C' is not the right choice"


def test_digests_hide_the_answer_and_depend_on_the_salt():
    rule = AnswerRule(digits=3, hashed=True, salt="pepper")
    leaves = hash_leaves(rule, {"lr": 0.125, "n": 3})
    assert set(leaves) == {"lr", "n"}
    assert all(v.startswith("sha256:") and "0.125" not in v for v in leaves.values())
    assert digest(rule, 0.125) == digest(rule, 0.1251)  # equal to 3 significant digits
    assert digest(rule, 0.125) != digest(rule, 0.126)
    assert digest(rule, 0.125) != digest(rule.model_copy(update={"salt": "salt"}), 0.125)
    assert digest(rule, (1, 2)) == digest(rule, [1, 2])


# --- properties -------------------------------------------------------------------------

def bits(shape, generator=None):
    return torch.randint(0, 2, tuple(shape), generator=generator)


FAIR = S.prop("fair", "bits", [S.case((64, 64))], property="fair_bits")


def test_fair_bits_reference_passes():
    assert grade(FAIR, None, {"bits": bits}) is None


@pytest.mark.parametrize("mistake,says", [
    (lambda shape, generator=None: torch.randint(0, 2, tuple(shape)).float(),
     "expected an integer dtype such as int64, got float32"),
    (lambda shape, generator=None: (torch.rand(tuple(shape)) < 0.6).long(),
     "the share of ones is 0.6"),
    (lambda shape, generator=None: (torch.arange(shape[0] * shape[1]) % 2).reshape(tuple(shape)),
     "neighbouring values are correlated (lag-1 correlation -1.000); they should be independent"),
    (lambda shape, generator=None: torch.randint(0, 2, (shape[0],)),
     "expected shape (64, 64), got (64,)"),
    (lambda shape, generator=None: torch.randint(0, 3, tuple(shape)),
     "values are neither 0 nor 1"),
    (lambda shape, generator=None: torch.rand(tuple(shape)) < 0.5,
     "expected an integer dtype such as int64, got bool"),
])
def test_fair_bits_mistakes(mistake, says):
    message = grade(FAIR, None, {"bits": mistake})
    assert message is not None and message.startswith("bits: for the arguments (64, 64), ")
    assert says in message


def test_fair_bits_stub():
    assert grade(FAIR, None, {"bits": stub}) == f"bits {NOT_IMPLEMENTED}"


DIFFER = S.prop("fresh", "bits", [S.sequence(S.call((50,)), S.call((50,)))], property="results_differ")


def test_results_differ():
    def always_seeded(shape, generator=None):
        return torch.randint(0, 2, tuple(shape), generator=torch.Generator().manual_seed(0))

    assert grade(DIFFER, None, {"bits": bits}) is None
    assert grade(DIFFER, None, {"bits": always_seeded}) == (
        "bits: for the arguments (50,), two calls gave identical results; each call should draw new random values")
    assert grade(DIFFER, None, {"bits": stub}) == f"bits {NOT_IMPLEMENTED}"


EQUAL = S.prop("uses the generator", "bits",
               [S.sequence(S.call((50,), S.generator(3)), S.call((50,), S.generator(3)), label="two seeded calls")],
               property="results_equal")


def test_results_equal():
    def ignores_generator(shape, generator=None):
        return torch.randint(0, 2, tuple(shape))

    assert grade(EQUAL, None, {"bits": bits}) is None
    message = grade(EQUAL, None, {"bits": ignores_generator})
    assert message.startswith("bits: for two seeded calls, calls that should agree gave different results: ")
    assert "of 50 values differ" in message
    assert grade(EQUAL, None, {"bits": stub}) == f"bits {NOT_IMPLEMENTED}"


RATIO = S.prop("loop is slower", "timings", [S.case(label="")], property="ratio_above",
               numerator=0, denominator=1, minimum=2.0, what="speed-up")


def test_ratio_above():
    assert grade(RATIO, None, {"timings": lambda: (3.0, 1.0)}) is None
    assert grade(RATIO, None, {"timings": lambda: (1.0, 1.0)}) == "timings: the speed-up is 1.0; expected more than 2"
    assert grade(RATIO, None, {"timings": lambda: 5.0}) == "timings: expected a tuple of numbers, got a float"
    assert grade(RATIO, None, {"timings": lambda: (1.0, 0.0)}) == "timings: the returned times must be positive"
    assert grade(RATIO, None, {"timings": lambda: ("1", 1.0)}) == (
        "timings: expected numbers (seconds) in the returned tuple")
    assert grade(RATIO, None, {"timings": lambda: (True, 1.0)}) == (
        "timings: expected numbers (seconds) in the returned tuple")
    assert grade(RATIO, None, {"timings": stub}) == f"timings {NOT_IMPLEMENTED}"


# --- source -----------------------------------------------------------------------------

NO_LOOPS = S.source("no loops", "total", [S.case(X3)], no_loops=True)
FORBID = S.source("by hand", "softmax", [S.case(X3)], forbid=["softmax", "np"], reason="write it yourself")


def total_vectorised(x):
    return x.sum()


def total_looped(x):
    result = 0.0
    for value in x:
        result += value
    return result


def total_comprehension(x):
    return sum([value for value in x])


def softmax_by_hand(x):
    e = torch.exp(x - x.max())
    return e / e.sum()


def test_source_reference_passes():
    assert grade(NO_LOOPS, None, {"total": total_vectorised}) is None
    assert grade(FORBID, None, {"softmax": softmax_by_hand}) is None


def test_source_loops():
    assert grade(NO_LOOPS, None, {"total": total_looped}) == (
        "total: it uses a Python loop (line 3 of the function); use tensor operations instead")
    assert grade(NO_LOOPS, None, {"total": total_comprehension}) == (
        "total: it uses a Python loop (line 2 of the function); use tensor operations instead")


def test_source_forbidden_names():
    def uses_torch(x):
        return torch.softmax(x, dim=0)

    def uses_functional(x):
        from torch.nn.functional import softmax

        return softmax(x, 0)

    def uses_numpy(x):
        import numpy as np

        e = np.exp(x.numpy())
        return torch.from_numpy(e / e.sum())

    for mistake, name in [(uses_torch, "softmax"), (uses_functional, "softmax"), (uses_numpy, "np")]:
        assert grade(FORBID, None, {"softmax": mistake}) == (
            f"softmax: it uses {name}, which this exercise asks you not to use (write it yourself)")


def test_source_local_variable_named_like_a_forbidden_function_is_allowed():
    def softmax_with_np_variable(x):
        np = x.numel()  # "number of points": not NumPy
        e = torch.exp(x - x.max())
        return e / e.sum() * np / np

    assert grade(FORBID, None, {"softmax": softmax_with_np_variable}) is None


def test_source_from_import_of_a_forbidden_module():
    def softmax_via_numpy(x):
        from numpy import exp

        e = exp(x.tolist())
        return torch.tensor(e / e.sum())

    check = S.source("by hand", "softmax", [S.case(X3)], forbid=["numpy", "np"], reason="write it yourself")
    assert grade(check, None, {"softmax": softmax_via_numpy}) == (
        "softmax: it uses numpy, which this exercise asks you not to use (write it yourself)")


def test_source_unreadable_and_stub():
    assert grade(NO_LOOPS, None, {"total": torch.sum}) == (
        "total: the grader cannot read its source; define it with def in a notebook cell")
    assert grade(NO_LOOPS, None, {"total": stub}) == f"total {NOT_IMPLEMENTED}"
    assert grade(FORBID, None, {"softmax": stub}) == f"softmax {NOT_IMPLEMENTED}"


# --- grads ------------------------------------------------------------------------------

def cube(x):
    return x ** 3


class CubeRightBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x ** 2


class CubeWrongBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x  # forgot the square


GRAD = S.grad("gradient", "f", [S.case(torch.tensor([1.0, -2.0, 0.5, 3.0]))], wrt_args=[0])


def test_grad_reference_and_a_correct_custom_function_pass():
    assert grade(GRAD, {"f": cube}, {"f": cube}) is None
    assert grade(GRAD, {"f": cube}, {"f": CubeRightBackward.apply}) is None


def test_grad_wrong_backward():
    message = grade(GRAD, {"f": cube}, {"f": CubeWrongBackward.apply})
    assert message == ("f: for an input of shape (4,), float32, the gradient with respect to input 0: 3 of 4 values "
                       "differ; first at [1]: expected 12, got -6; largest difference 18 at [1]")


def test_grad_detached_computation():
    def detached(x):
        return x.detach() ** 3

    def via_numpy(x):
        return torch.from_numpy(x.detach().numpy() ** 3)

    expected = ("f: for an input of shape (4,), float32, its result is not connected to the inputs in the autograd "
                "graph (was something detached or converted to a Python number?)")
    assert grade(GRAD, {"f": cube}, {"f": detached}) == expected
    assert grade(GRAD, {"f": cube}, {"f": via_numpy}) == expected


def test_grad_result_not_a_tensor_and_stub():
    message = grade(GRAD, {"f": cube}, {"f": lambda x: (x ** 3).tolist()})
    assert message.startswith("f: for an input of shape (4,), float32, computing gradients failed: ")
    assert "the result is a list, not a tensor" in message
    assert grade(GRAD, {"f": cube}, {"f": stub}) == f"f {NOT_IMPLEMENTED}"


class Affine(torch.nn.Module):
    def __init__(self, detach_weight: bool = False):
        super().__init__()
        generator = torch.Generator().manual_seed(0)
        self.weight = torch.nn.Parameter(torch.randn(2, 3, generator=generator))
        self.bias = torch.nn.Parameter(torch.randn(2, generator=generator))
        self.detach_weight = detach_weight

    def forward(self, x):
        weight = self.weight.detach() if self.detach_weight else self.weight
        return x @ weight.T + self.bias


def test_grad_of_module_parameters():
    check = S.grad("parameters", "layer", [S.case(torch.ones(4, 3))], wrt_args=[0], wrt_params=True)
    assert grade(check, {"layer": Affine()}, {"layer": Affine()}) is None
    message = grade(check, {"layer": Affine()}, {"layer": Affine(detach_weight=True)})
    assert message == ("layer: for an input of shape (4, 3), float32, the gradient of parameter 'weight': "
                       "it is missing (the result does not depend on it)")


# --- what the judge cannot read -------------------------------------------------------------

def test_unreadable_student_values_fail_the_check_instead_of_crashing():
    plan, tensors = OUTPUT.plan(seed=1)
    outcomes, encoder = Prober({"f": double}).run_case(plan.cases[0].steps, plan.seed, tensors)
    expected = Observed(outcomes, encoder.tensors)
    student_outcomes, _ = Prober({"f": double}).run_case(plan.cases[0].steps, plan.seed, tensors)
    corrupted = Observed(student_outcomes, {})  # the worker's payload lacks the tensor its reply names
    outcome = evaluate(plan.rule, CaseContext("f", plan.cases[0].label, expected, corrupted, 10.0))
    assert outcome.status == "failed" and "cannot read" in outcome.message
