"""Compare a student's value with the expected one and say, in words, what differs.

Tensors are compared with dtype-aware tolerances; NaN and infinity positions count
(a NaN where a number is expected is a difference, and so is -inf for +inf); a shape,
dtype or device mismatch is named before any values are looked at. Containers are
compared element by element and the path to the first difference is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from autograder.protocol.codec import Handle, Opaque, TensorData
from autograder.protocol.text import short_message

# (rtol, atol) per dtype; the catalogue's defaults for float32 and float64.
TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1e-5, 1e-6),
    torch.float64: (1e-10, 1e-12),
    torch.complex64: (1e-5, 1e-6),
    torch.complex128: (1e-10, 1e-12),
}
PYTHON_FLOAT = (1e-9, 1e-12)


@dataclass(frozen=True)
class Tolerance:
    """Overrides for the dtype defaults; `scale` multiplies both defaults."""

    rtol: float | None = None
    atol: float | None = None
    scale: float = 1.0

    def for_dtype(self, dtype: torch.dtype | None) -> tuple[float, float]:
        rtol, atol = TOLERANCES.get(dtype, PYTHON_FLOAT) if dtype is not None else PYTHON_FLOAT
        return (self.rtol if self.rtol is not None else rtol * self.scale,
                self.atol if self.atol is not None else atol * self.scale)


@dataclass(frozen=True)
class Policy:
    """What a comparison insists on besides the values."""

    dtype: str = "exact"        # "exact" | "float" (any floating dtype) | "any"
    device: str = "any"          # "any" | "cpu" (a CUDA result is a mismatch)
    numpy_ok: bool = False       # accept a NumPy array where a tensor is expected
    sequence_types: bool = True  # a list is not a tuple


def kind_of(value: Any) -> str:
    """A student-facing name for the kind of a value."""
    if isinstance(value, TensorData):
        return "a NumPy array" if value.is_numpy else "a tensor"
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    if isinstance(value, Handle):
        return f"an object of type {value.type_name or 'object'}"
    if value is None:
        return "None"
    names = {bool: "a bool", int: "an int", float: "a float", complex: "a complex number", str: "a string",
             list: "a list", tuple: "a tuple", dict: "a dict", torch.dtype: "a dtype"}
    return names.get(type(value), f"a {type(value).__name__}")


def describe_tensor(t: TensorData | torch.Tensor) -> str:
    data = t.data if isinstance(t, TensorData) else t
    return f"shape {tuple(data.shape)}, {str(data.dtype).removeprefix('torch.')}"


def compare(expected: Any, actual: Any, tol: Tolerance = Tolerance(), policy: Policy = Policy()) -> str | None:
    """None when `actual` matches `expected`; otherwise one sentence saying how not."""
    return _compare(expected, actual, tol, policy, path="")


def _at(path: str) -> str:
    return f" at {path}" if path else ""


def _compare(expected: Any, actual: Any, tol: Tolerance, policy: Policy, path: str) -> str | None:
    if isinstance(expected, TensorData):
        return _compare_tensor(expected, actual, tol, policy, path)
    if isinstance(expected, (Opaque, Handle)):
        return None if type(actual) is type(expected) and actual.type_name == expected.type_name else (
            f"expected {kind_of(expected)}{_at(path)}, got {kind_of(actual)}")
    if isinstance(expected, bool) or expected is None or isinstance(expected, str) or isinstance(expected, torch.dtype):
        if type(actual) is type(expected) and actual == expected:
            return None
        if type(actual) is not type(expected):
            return f"expected {kind_of(expected)}{_at(path)} ({_show(expected)}), got {kind_of(actual)} ({_show(actual)})"
        return f"expected {_show(expected)}{_at(path)}, got {_show(actual)}"
    if isinstance(expected, (int, float, complex)):
        return _compare_number(expected, actual, tol, path)
    if isinstance(expected, (list, tuple)):
        return _compare_sequence(expected, actual, tol, policy, path)
    if isinstance(expected, dict):
        return _compare_dict(expected, actual, tol, policy, path)
    return None if expected == actual else f"expected {_show(expected)}{_at(path)}, got {_show(actual)}"


def _compare_number(expected, actual, tol: Tolerance, path: str) -> str | None:
    if isinstance(actual, TensorData) and actual.data.numel() == 1 and actual.data.ndim == 0:
        return f"expected a Python {type(expected).__name__}{_at(path)}, got a 0-d tensor (use .item())"
    if isinstance(actual, bool) or not isinstance(actual, (int, float, complex)):
        return f"expected {kind_of(expected)}{_at(path)} ({_show(expected)}), got {kind_of(actual)} ({_show(actual)})"
    if isinstance(expected, int) and not isinstance(expected, bool):
        if not isinstance(actual, int):
            return f"expected an int{_at(path)} ({expected}), got {kind_of(actual)} ({_show(actual)})"
        return None if expected == actual else f"expected {expected}{_at(path)}, got {actual}"
    rtol, atol = tol.for_dtype(None)
    if _close(complex(expected), complex(actual), rtol, atol):
        return None
    want, got = _distinct(expected, actual)
    return f"expected {want}{_at(path)}, got {got}{_how_far(expected, actual, rtol, atol, 'Python float')}"


def _close(a: complex, b: complex, rtol: float, atol: float) -> bool:
    for x, y in ((a.real, b.real), (a.imag, b.imag)):
        if math.isnan(x) or math.isnan(y):
            if not (math.isnan(x) and math.isnan(y)):
                return False
        elif math.isinf(x) or math.isinf(y):
            if x != y:
                return False
        elif abs(x - y) > atol + rtol * abs(x):
            return False
    return True


def _compare_sequence(expected, actual, tol, policy, path) -> str | None:
    if not isinstance(actual, (list, tuple)) or (policy.sequence_types and type(actual) is not type(expected)):
        return f"expected {kind_of(expected)}{_at(path)}, got {kind_of(actual)}"
    if len(actual) != len(expected):
        return f"expected {kind_of(expected)} of length {len(expected)}{_at(path)}, got length {len(actual)}"
    for i, (e, a) in enumerate(zip(expected, actual)):
        difference = _compare(e, a, tol, policy, f"{path}[{i}]")
        if difference:
            return difference
    return None


def _compare_dict(expected, actual, tol, policy, path) -> str | None:
    if not isinstance(actual, dict):
        return f"expected a dict{_at(path)}, got {kind_of(actual)}"
    missing = [k for k in expected if k not in actual]
    if missing:
        return f"the dict{_at(path)} has no key {missing[0]!r}"
    extra = [k for k in actual if k not in expected]
    if extra:
        return f"the dict{_at(path)} has an unexpected key {short_message(repr(extra[0]), 40)}"
    for key in expected:
        difference = _compare(expected[key], actual[key], tol, policy, f"{path}[{key!r}]")
        if difference:
            return difference
    return None


def _compare_tensor(expected: TensorData, actual: Any, tol: Tolerance, policy: Policy, path: str) -> str | None:
    where = _at(path)
    if not isinstance(actual, TensorData):
        return f"expected a tensor{where} ({describe_tensor(expected)}), got {kind_of(actual)}"
    if actual.is_numpy and not policy.numpy_ok:
        return f"expected a torch tensor{where}, got a NumPy array (convert it with torch.from_numpy)"
    if policy.device == "cpu" and actual.device not in ("cpu", "numpy"):
        return f"expected a tensor on the CPU{where}, got one on {actual.device}"
    e, a = expected.data, actual.data
    if tuple(e.shape) != tuple(a.shape):
        return f"expected shape {tuple(e.shape)}{where}, got shape {tuple(a.shape)}"
    if e.dtype != a.dtype:
        wrong = policy.dtype == "exact" or (policy.dtype == "float" and not (a.is_floating_point() or a.is_complex()))
        if wrong:
            return f"expected dtype {_dtype(e.dtype)}{where}, got {_dtype(a.dtype)}"
    if expected.requires_grad != actual.requires_grad and policy.dtype == "exact":
        pass  # graph membership is checked by gradient checks, not here
    return _compare_elements(e, a, tol, where)


def _looser(tol: Tolerance, e: torch.dtype, a: torch.dtype) -> tuple[float, float]:
    """The tolerance of the less precise of two dtypes (a float32 answer to a float64
    reference is judged at float32 precision when the policy accepts any float): never
    tighter than that dtype's own default, even where a check sets a tighter one for the
    reference's dtype."""
    (r1, a1), (r2, a2) = tol.for_dtype(e), tol.for_dtype(a)
    rtol, atol = max(r1, r2), max(a1, a2)
    if e != a and e in TOLERANCES and a in TOLERANCES:
        rtol = max(rtol, TOLERANCES[e][0], TOLERANCES[a][0])
        atol = max(atol, TOLERANCES[e][1], TOLERANCES[a][1])
    return rtol, atol


def _dtype(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _compare_elements(e: torch.Tensor, a: torch.Tensor, tol: Tolerance, where: str) -> str | None:
    if e.numel() == 0:
        return None
    if e.is_complex() or a.is_complex():
        e_c, a_c = e.to(torch.complex128), a.to(torch.complex128)
        bad = _mismatch(torch.view_as_real(e_c), torch.view_as_real(a_c), tol, e.dtype, a.dtype).any(dim=-1)
        shown_e, shown_a = e_c, a_c
    else:
        bad = _mismatch(e, a, tol, e.dtype, a.dtype)
        shown_e, shown_a = e, a
    count = int(bad.sum())
    if count == 0:
        return None
    total = e.numel()
    index = tuple(int(i) for i in torch.nonzero(bad)[0]) if bad.ndim else ()
    first = f"first at {list(index)}: " if index else ""
    message = (f"{count} of {total} values differ{where}; " if total > 1 else f"the value{where} differs: ")
    want, got = _distinct(shown_e[index].item(), shown_a[index].item())
    rtol, atol = _looser(tol, e.dtype, a.dtype)
    how_far = _how_far(shown_e[index].item(), shown_a[index].item(), rtol, atol, _dtype(e.dtype), a.dtype)
    message += f"{first}expected {want}, got {got}{how_far}"
    largest = _largest_difference(e, a, bad)
    if largest and total > 1:
        message += f"; largest difference {largest}"
    return message


def _mismatch(e: torch.Tensor, a: torch.Tensor, tol: Tolerance, dtype: torch.dtype,
              actual_dtype: torch.dtype | None = None) -> torch.Tensor:
    if not (e.is_floating_point() or a.is_floating_point()):
        if e.dtype == torch.bool or a.dtype == torch.bool:
            return e.to(torch.bool) != a.to(torch.bool)
        return e.to(torch.int64) != a.to(torch.int64)
    rtol, atol = _looser(tol, dtype, actual_dtype or dtype)
    e64, a64 = e.to(torch.float64), a.to(torch.float64)
    e_nan, a_nan = torch.isnan(e64), torch.isnan(a64)
    e_inf, a_inf = torch.isinf(e64), torch.isinf(a64)
    special = e_nan | a_nan | e_inf | a_inf
    special_bad = (e_nan != a_nan) | ((e_inf | a_inf) & ~(e_nan | a_nan) & (e64 != a64))
    finite_e = torch.where(special, torch.zeros_like(e64), e64)
    finite_a = torch.where(special, torch.zeros_like(a64), a64)
    finite_bad = (finite_e - finite_a).abs() > atol + rtol * finite_e.abs()
    return torch.where(special, special_bad, finite_bad)


CLOSE = 1e-2  # numbers this close (relative) get the tolerance that told them apart


def _how_far(expected: Any, actual: Any, rtol: float, atol: float, kind: str,
             actual_dtype: torch.dtype | None = None) -> str:
    """' (off by 1.1e-08; float64 results must agree to 1e-10: was this computed in float32?)'
    for two close finite real numbers; '' where the distance is plain from the numbers (far
    apart) or means nothing (nan, inf, complex, ints)."""
    if not all(isinstance(v, float) and math.isfinite(v) for v in (expected, actual)) or "int" in kind \
            or kind == "bool":
        return ""
    off = abs(actual - expected)
    relative = off / abs(expected) if expected else off
    if relative > CLOSE:
        return ""  # far apart: the two numbers say it all
    agree = f"agree to {rtol:g}" if rtol * abs(expected) >= atol else f"agree within {atol:g}"
    subject = "Python floats" if kind == "Python float" else f"{kind} results"
    note = f" (off by {off:.2g}; {subject} must {agree}"
    precise = kind in ("float64", "Python float") and actual_dtype in (None, torch.float64)
    if precise and 1e-9 <= relative <= 2e-5:
        note += ": was this computed in float32?"
    return note + ")"


def _largest_difference(e: torch.Tensor, a: torch.Tensor, bad: torch.Tensor) -> str | None:
    if not (e.is_floating_point() and a.is_floating_point()):
        return None
    diff = (e.to(torch.float64) - a.to(torch.float64)).abs()
    diff = torch.where(bad & torch.isfinite(diff), diff, torch.zeros_like(diff))
    if float(diff.max()) == 0:
        return None
    at = tuple(int(i) for i in torch.nonzero(diff == diff.max())[0]) if diff.ndim else ()
    return f"{float(diff.max()):.3g}" + (f" at {list(at)}" if at else "")


def _distinct(expected: Any, actual: Any) -> tuple[str, str]:
    """Both numbers, with as many digits as it takes for them to look different."""
    for digits in (6, 10, 17):
        want, got = _show(expected, digits), _show(actual, digits)
        if want != got:
            break
    return want, got


def _show(value: Any, digits: int = 6) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.{digits}g}"
    if isinstance(value, complex):
        sign = "+" if value.imag >= 0 or math.isnan(value.imag) else "-"
        return f"{_show(value.real, digits)}{sign}{_show(abs(value.imag), digits)}j"
    if isinstance(value, TensorData):
        return f"a tensor of {describe_tensor(value)}"
    if isinstance(value, (Opaque, Handle)):
        return kind_of(value)
    if isinstance(value, torch.dtype):
        return _dtype(value)
    return short_message(repr(value), 60)  # a returned string may carry a hidden input
