"""compare(): the sentence a student reads when a result differs from the expected one."""

from __future__ import annotations


import torch

from autograder.checks.values import Policy, Tolerance, compare
from autograder.protocol.codec import Handle, Opaque, TensorData

NAN, INF = float("nan"), float("inf")


def T(data, device: str = "cpu", requires_grad: bool = False) -> TensorData:
    if not isinstance(data, torch.Tensor):
        data = torch.tensor(data)
    return TensorData(data, device, requires_grad)


# --- tensors: equal values --------------------------------------------------------------

def test_identical_tensors_pass():
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(0))
    assert compare(T(x), T(x.clone())) is None


def test_float32_rounding_noise_is_tolerated():
    x = torch.tensor([1.0, 2.0, -3.0])
    assert compare(T(x), T(x * (1 + 2e-7))) is None


def test_float32_difference_beyond_tolerance_fails_with_values():
    message = compare(T([1.0, 2.0]), T([1.0, 2.001]))
    assert message is not None
    assert message.startswith("1 of 2 values differ; first at [1]: expected 2, got 2.001")


def test_float64_tolerance_is_tighter_than_float32():
    # the same relative error of 1e-7 is noise in float32 but a real difference in float64
    want32, got32 = torch.tensor([1.0]), torch.tensor([1.0 + 1e-7])
    assert compare(T(want32), T(got32)) is None
    want64 = torch.tensor([1.0], dtype=torch.float64)
    got64 = torch.tensor([1.0 + 1e-7], dtype=torch.float64)
    assert compare(T(want64), T(got64)) == ("the value differs: first at [0]: expected 1, got 1.0000001 (off by 1e-07; "
                                            "float64 results must agree to 1e-10: was this computed in float32?)")


def test_a_close_miss_says_how_far_off_it_is_and_what_the_tolerance_was():
    """A float64 answer that float32 arithmetic produced is named as such."""
    want = torch.tensor([-0.4794255386], dtype=torch.float64)
    got = torch.tensor([-0.4794255495], dtype=torch.float64)
    assert compare(T(want), T(got)) == (
        "the value differs: first at [0]: expected -0.4794255386, got -0.4794255495 (off by 1.1e-08; float64 "
        "results must agree to 1e-10: was this computed in float32?)")
    assert compare(1.0, 1.00001) == "expected 1, got 1.00001 (off by 1e-05; Python floats must agree to 1e-09: " \
                                    "was this computed in float32?)"
    assert compare(T([100.0]), T([100.01])) == ("the value differs: first at [0]: expected 100, got 100.01 (off by "
                                                "0.01; float32 results must agree to 1e-05)")
    assert compare(T([0.0]), T([1e-5])) == ("the value differs: first at [0]: expected 0, got 1e-05 (off by 1e-05; "
                                            "float32 results must agree within 1e-06)")


def test_digits_shown_are_enough_to_tell_the_numbers_apart():
    want = torch.tensor([0.1, 0.2], dtype=torch.float64)
    got = want.clone()
    got[1] += 1e-9
    message = compare(T(want), T(got))
    assert "expected 0.2, got 0.200000001" in message


def test_tolerance_overrides_change_the_verdict():
    want, got = T([1.0]), T([1.001])
    assert compare(want, got) is not None
    assert compare(want, got, Tolerance(atol=0.01)) is None
    assert compare(want, got, Tolerance(scale=1000)) is None
    assert compare(T([1.0]), T([1.0 + 2e-7]), Tolerance(rtol=0, atol=0)) is not None


def test_integer_tensors_compare_exactly():
    assert compare(T([1, 2, 3]), T([1, 2, 3])) is None
    assert compare(T([1, 2, 3]), T([1, 2, 4])) == "1 of 3 values differ; first at [2]: expected 3, got 4"


def test_bool_tensors():
    assert compare(T([True, False]), T([True, False])) is None
    assert compare(T([True, False]), T([True, True])) == "1 of 2 values differ; first at [1]: expected False, got True"


def test_message_counts_differences_and_names_the_first_and_largest():
    want = torch.zeros(3, 4, 5)
    got = want.clone()
    want[0, 1, 2] = INF
    got[0, 1, 2] = -1.25
    for i in range(6):
        got[2, i % 4, i % 5] = 1.0 + i
    message = compare(T(want), T(got))
    assert message.startswith("7 of 60 values differ; first at [0, 1, 2]: expected inf, got -1.25")
    # the infinite difference is not "the largest": the largest finite one is reported
    assert message.endswith("largest difference 6 at [2, 1, 0]")


# --- tensors: shape, dtype, device, kind -----------------------------------------------

def test_shape_mismatch_is_named_before_values():
    assert compare(T(torch.zeros(2, 3)), T(torch.zeros(3, 2))) == "expected shape (2, 3), got shape (3, 2)"


def test_dtype_mismatch():
    message = compare(T(torch.zeros(2)), T(torch.zeros(2, dtype=torch.float64)))
    assert message == "expected dtype float32, got float64"
    message = compare(T(torch.zeros(2)), T(torch.zeros(2, dtype=torch.int64)))
    assert message == "expected dtype float32, got int64"


def test_dtype_policy_any_and_float():
    assert compare(T([1.0, 2.0]), T([1, 2]), policy=Policy(dtype="any")) is None
    assert compare(T([1.0, 2.0]), T(torch.tensor([1.0, 2.0], dtype=torch.float64)), policy=Policy(dtype="float")) is None
    message = compare(T([1.0, 2.0]), T([1, 2]), policy=Policy(dtype="float"))
    assert message == "expected dtype float32, got int64"


def test_float_policy_judges_a_float32_result_at_float32_tolerance():
    want = torch.linspace(0.1, 0.9, 50, dtype=torch.float64)
    assert compare(T(want), T(want.float()), policy=Policy(dtype="float")) is None


def test_cuda_result_is_compared_on_the_cpu():
    want = T([1.0, 2.0])
    sent_from_gpu = T([1.0, 2.0], device="cuda:0")
    assert compare(want, sent_from_gpu) is None  # default device policy: "any"
    assert compare(want, T([1.0, 2.5], device="cuda:0")).startswith("1 of 2 values differ")
    assert compare(want, sent_from_gpu, policy=Policy(device="cpu")) == "expected a tensor on the CPU, got one on cuda:0"
    assert compare(want, T([1.0, 2.0]), policy=Policy(device="cpu")) is None


def test_numpy_array_rejected_unless_allowed():
    want = T([1.0, 2.0])
    array = T([1.0, 2.0], device="numpy")
    assert compare(want, array) == "expected a torch tensor, got a NumPy array (convert it with torch.from_numpy)"
    assert compare(want, array, policy=Policy(numpy_ok=True)) is None
    assert compare(want, T([1.0, 3.0], device="numpy"), policy=Policy(numpy_ok=True)) is not None


def test_not_a_tensor_where_a_tensor_is_expected():
    assert compare(T(torch.zeros(2, 3)), [0.0, 0.0]) == "expected a tensor (shape (2, 3), float32), got a list"
    assert compare(T(torch.zeros(2)), None) == "expected a tensor (shape (2,), float32), got None"
    assert compare(T(torch.zeros(2)), Opaque("generator", "")) == (
        "expected a tensor (shape (2,), float32), got an object of type generator")


# --- tensors: NaN and infinity ----------------------------------------------------------

def test_nan_where_a_number_is_expected_fails():
    assert compare(T([1.0, 2.0]), T([1.0, NAN])) == "1 of 2 values differ; first at [1]: expected 2, got nan"


def test_number_where_nan_is_expected_fails():
    assert compare(T([1.0, NAN]), T([1.0, 2.0])) == "1 of 2 values differ; first at [1]: expected nan, got 2"


def test_nan_in_the_same_place_passes():
    assert compare(T([NAN, 1.0, INF]), T([NAN, 1.0, INF])) is None


def test_sign_of_infinity_matters():
    assert compare(T([INF]), T([-INF])) == "the value differs: first at [0]: expected inf, got -inf"
    assert compare(T([-INF, 0.0]), T([-INF, 0.0])) is None


def test_large_finite_number_is_not_infinity():
    assert compare(T([INF]), T([3e38])) == "the value differs: first at [0]: expected inf, got 3e+38"


# --- tensors: complex, empty, 0-d, low precision ----------------------------------------

def test_complex_tensors():
    want = torch.tensor([1 + 2j, 3 - 1j])
    assert compare(T(want), T(want.clone())) is None
    assert compare(T(want), T(torch.tensor([1 - 2j, 3 - 1j]))) == (
        "1 of 2 values differ; first at [0]: expected 1+2j, got 1-2j")


def test_complex_nan_positions():
    value = torch.tensor([complex(NAN, 1.0)])
    assert compare(T(value), T(value.clone())) is None
    assert compare(T(value), T(torch.tensor([complex(0.0, 1.0)]))) is not None


def test_complex_expected_real_given():
    message = compare(T(torch.tensor([1 + 0j])), T(torch.tensor([1.0])))
    assert message == "expected dtype complex64, got float32"


def test_empty_tensors():
    assert compare(T(torch.zeros(0, 3)), T(torch.zeros(0, 3))) is None
    assert compare(T(torch.zeros(0, 3)), T(torch.zeros(3, 0))) == "expected shape (0, 3), got shape (3, 0)"
    assert compare(T(torch.zeros(0)), T(torch.zeros(0, dtype=torch.int64))) == "expected dtype float32, got int64"


def test_zero_dim_tensors():
    assert compare(T(torch.tensor(2.5)), T(torch.tensor(2.5))) is None
    assert compare(T(torch.tensor(1.0)), T(torch.tensor(1.5))) == "the value differs: expected 1, got 1.5"
    assert compare(T(torch.tensor(1.0)), T(torch.tensor([1.0]))) == "expected shape (), got shape (1,)"


def test_half_precision_uses_its_own_tolerance():
    want = torch.tensor([1.0, 2.0], dtype=torch.float16)
    assert compare(T(want), T(torch.tensor([1.0, 2.001], dtype=torch.float16))) is None
    assert compare(T(want), T(torch.tensor([1.0, 2.1], dtype=torch.float16))) is not None


# --- Python scalars ---------------------------------------------------------------------

def test_zero_dim_tensor_where_a_float_is_expected():
    assert compare(1.5, T(torch.tensor(1.5))) == "expected a Python float, got a 0-d tensor (use .item())"
    assert compare(3, T(torch.tensor(3))) == "expected a Python int, got a 0-d tensor (use .item())"


def test_floats():
    assert compare(0.1 + 0.2, 0.3) is None
    assert compare(1.0, 1.5) == "expected 1, got 1.5"
    assert compare(NAN, NAN) is None
    assert compare(1.0, NAN) == "expected 1, got nan"
    assert compare(INF, -INF) == "expected inf, got -inf"
    assert compare(2.0, 2) is None  # an int that equals the float is fine


def test_ints_and_bools_are_different_kinds():
    assert compare(3, 3) is None
    assert compare(3, 4) == "expected 3, got 4"
    assert compare(1.0, True) == "expected a float (1), got a bool (True)"
    assert compare(True, 1) == "expected a bool (True), got an int (1)"
    assert compare(True, False) == "expected True, got False"


def test_complex_numbers():
    assert compare(1 + 2j, 1 + 2j) is None
    assert compare(1 + 2j, 1 - 2j) == "expected 1+2j, got 1-2j"


def test_number_expected_other_kind_given():
    assert compare(1.0, "1.0") == "expected a float (1), got a string ('1.0')"
    assert compare(2, None) == "expected an int (2), got None (None)"


# --- None, strings, dtypes, opaque values -------------------------------------------------

def test_none():
    assert compare(None, None) is None
    assert compare(None, 0) == "expected None (None), got an int (0)"


def test_strings():
    assert compare("relu", "relu") is None
    assert compare("relu", "ReLU") == "expected 'relu', got 'ReLU'"
    assert compare("a", 1) == "expected a string ('a'), got an int (1)"


def test_dtypes():
    assert compare(torch.float32, torch.float32) is None
    assert compare(torch.float32, torch.float64) == "expected float32, got float64"


def test_opaque_values_compare_by_type_name():
    assert compare(Opaque("Linear"), Opaque("Linear", "Linear(2, 3)")) is None
    assert compare(Opaque("Linear"), Opaque("Conv2d")) == "expected an object of type Linear, got an object of type Conv2d"
    assert compare(Handle("m", "Linear"), Handle("m", "Linear")) is None


# --- containers -------------------------------------------------------------------------

def test_nested_containers_equal():
    value = {"a": [1, (2.0, T([1.0, 2.0]))], "b": None}
    same = {"b": None, "a": [1, (2.0, T([1.0, 2.0]))]}
    assert compare(value, same) is None


def test_path_to_the_first_difference():
    assert compare([1, 2.0], [1, 2.5]) == "expected 2 at [1], got 2.5"
    assert compare({"inf": [1.0]}, {"inf": [2.0]}) == "expected 1 at ['inf'][0], got 2"
    assert compare((1, [2, (3, 4.0)]), (1, [2, (3, 4.5)])) == "expected 4 at [1][1][1], got 4.5"


def test_path_into_a_tensor_inside_a_container():
    message = compare({"inf": T([INF, 1.0])}, {"inf": T([-INF, 1.0])})
    assert message == "1 of 2 values differ at ['inf']; first at [0]: expected inf, got -inf"
    message = compare((T([1.0]), T(torch.zeros(2, 2))), (T([1.0]), T(torch.zeros(2))))
    assert message == "expected shape (2, 2) at [1], got shape (2,)"


def test_list_versus_tuple():
    assert compare((1, 2), [1, 2]) == "expected a tuple, got a list"
    assert compare([1, 2], (1, 2)) == "expected a list, got a tuple"
    assert compare((1, 2), [1, 2], policy=Policy(sequence_types=False)) is None


def test_sequence_length():
    assert compare([1, 2], [1, 2, 3]) == "expected a list of length 2, got length 3"
    assert compare([[1], [2]], [[1], []]) == "expected a list of length 1 at [1], got length 0"


def test_dict_keys():
    assert compare({"a": 1}, {"a": 1, "b": 2}) == "the dict has an unexpected key 'b'"
    assert compare({"a": 1, "b": 2}, {"a": 1}) == "the dict has no key 'b'"
    assert compare({"x": {"a": 1}}, {"x": {}}) == "the dict at ['x'] has no key 'a'"
    assert compare({"a": 1}, [1]) == "expected a dict, got a list"


def test_every_message_is_a_single_line():
    cases = [
        (T(torch.randn(50, 50)), T(torch.randn(50, 50))),
        ({"k": [T([1.0]), "x" * 500]}, {"k": [T([1.0]), "y" * 500]}),
    ]
    for want, got in cases:
        message = compare(want, got)
        assert message and "\n" not in message
        assert len(message) < 300


def test_long_strings_are_shortened_in_messages():
    message = compare("x" * 500, "y" * 500)
    assert message is not None and len(message) < 160
    assert "'xxxxxxxxxx" in message and "'yyyyyyyyyy" in message


def test_a_less_precise_answer_is_never_judged_tighter_than_its_dtype_allows():
    """A check may tighten the tolerance for the reference's float64; a float32 answer the
    policy accepts is still judged at float32 precision, not at the tightened float64 one."""
    want = T(torch.tensor([0.1, 0.7], dtype=torch.float64))
    got = T(torch.tensor([0.1, 0.7], dtype=torch.float32))
    tight = Tolerance(rtol=1e-8, atol=1e-8)
    assert compare(want, got, tight, Policy(dtype="float")) is None
    assert compare(want, T(torch.tensor([0.1, 0.7 + 1e-6], dtype=torch.float64)), tight) is not None
