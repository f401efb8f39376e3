"""Turn Python objects into `Value` models plus tensor bytes, and back.

The encoder runs in the worker after student code has had every chance to monkeypatch
torch, NumPy and builtins, so it only uses references captured when this module was
imported and the base-class methods of builtins (never an object's own `__eq__`,
`__float__`, `tolist`, `numpy` or `__torch_function__`).
"""

from __future__ import annotations

from builtins import bool, dict, getattr, int, isinstance, list, str, tuple, zip  # noqa: A004
import builtins
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch
from safetensors.torch import load as _st_load
from safetensors.torch import save as _st_save

from autograder.protocol import drawn
from autograder.protocol import values as V

_type = builtins.type
_issubclass = builtins.issubclass
_len = builtins.len
_repr = builtins.repr
_int = int.__int__
_float = float.__float__
_str = str.__str__
_complex_real = complex.real.__get__
_complex_imag = complex.imag.__get__
_Tensor = torch.Tensor
_as_subclass = torch.Tensor.as_subclass
_detach = torch.Tensor.detach
_to = torch.Tensor.to
_contiguous = torch.Tensor.contiguous
_clone = torch.Tensor.clone
_view_as_real = torch.view_as_real
_view_as_complex = torch.view_as_complex
_from_numpy = torch.from_numpy
_no_torch_function = torch._C.DisableTorchFunction
_Generator = torch.Generator
_layout = torch.Tensor.layout.__get__
_is_nested = torch.Tensor.is_nested.__get__
MAX_INT_BITS = 14_000  # JSON parsers refuse integers of more than about 4,300 digits

SUPPORTED_DTYPES = {
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
    "uint8", "int8", "int16", "int32", "int64", "bool",
}


class EncodeError(Exception):
    """A value could not be transported (too big, unsupported)."""


class DecodeError(Exception):
    """A frame's values are malformed or inconsistent with its payload."""


@dataclass(frozen=True)
class Opaque:
    """A value the other side could not send: what it was, in a few words."""

    type_name: str
    summary: str = ""

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


@dataclass(frozen=True)
class Handle:
    """An object that stays in the process that owns it."""

    name: str
    type_name: str = ""


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def dtype_from_name(name: str) -> torch.dtype:
    if name not in SUPPORTED_DTYPES:
        raise DecodeError(f"unsupported dtype {name!r}")
    return getattr(torch, name)


class Encoder:
    """Collects tensors into one payload while encoding a message's values."""

    def __init__(self, max_bytes: int = 256 * 2**20, handles: dict[str, Any] | None = None, prefix: str = ""):
        self.prefix = prefix
        self.tensors: dict[str, torch.Tensor] = {}
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._items = 0
        self._handles = handles

    def encode(self, obj: Any, depth: int = 0) -> V.Value:
        self._items += 1
        if depth > V.MAX_DEPTH or self._items > V.MAX_ITEMS:
            return V.OpaqueV(type_name=_type_name(obj), summary="nested too deeply or too large to check")
        t = _type(obj)
        if obj is None:
            return V.NoneV()
        if t is bool or t is np.bool_:
            return V.BoolV(v=bool(obj is True or (t is np.bool_ and obj.__bool__())))
        if _issubclass(t, _Tensor):
            return self._tensor(obj)
        if _issubclass(t, np.ndarray):
            return self._numpy(obj)
        if _issubclass(t, np.generic):
            return self._numpy_scalar(obj, depth)
        if _issubclass(t, int):
            value = _int(obj)
            if value.bit_length() > MAX_INT_BITS:
                return V.OpaqueV(type_name="int", summary=f"an integer of about {int(value.bit_length() * 0.30103)} digits")
            return V.IntV(v=value)
        if _issubclass(t, float):
            return V.FloatV(v=V.float_to_text(_float(obj)))
        if _issubclass(t, complex):
            return V.ComplexV(re=V.float_to_text(_complex_real(obj)), im=V.float_to_text(_complex_imag(obj)))
        if _issubclass(t, str):
            s = _str(obj)
            if _len(s) > V.MAX_STR:
                return V.OpaqueV(type_name="str", summary=f"a string of {_len(s)} characters")
            return V.StrV(v=s)
        if _issubclass(t, torch.dtype):
            return V.DtypeV(name=dtype_name(obj))  # any dtype name; the decoder checks it
        if _issubclass(t, (list, tuple)):
            items = list.__iter__(obj) if _issubclass(t, list) else tuple.__iter__(obj)
            size = list.__len__(obj) if _issubclass(t, list) else tuple.__len__(obj)
            if size > V.MAX_ITEMS:
                return V.OpaqueV(type_name=t.__name__, summary=f"a sequence of {size} items")
            encoded = [self.encode(x, depth + 1) for x in items]
            return V.ListV(items=encoded) if _issubclass(t, list) else V.TupleV(items=encoded)
        if _issubclass(t, dict):
            return self._dict(obj, depth)
        if self._handles is not None:
            for name, held in self._handles.items():
                if held is obj:
                    return V.HandleV(name=name, type_name=_type_name(obj))
        return V.OpaqueV(type_name=_type_name(obj), summary=_safe_repr(obj))

    def _dict(self, obj: dict, depth: int) -> V.Value:
        keys, values = [], []
        for k, v in dict.items(obj):
            kt = _type(k)
            if kt is bool:
                keys.append(k is True)
            elif _issubclass(kt, int):
                keys.append(_int(k))
            elif _issubclass(kt, str):
                keys.append(_str(k))
            else:
                return V.OpaqueV(type_name="dict", summary=f"a dict with a {_type_name(k)} key")
            values.append(self.encode(v, depth + 1))
        return V.DictV(keys=keys, values=values)

    def _tensor(self, obj: torch.Tensor) -> V.Value:
        with _no_torch_function():
            layout = _layout(obj)
            if layout != torch.strided or _is_nested(obj):
                return V.OpaqueV(type_name="Tensor", summary=f"a {layout} tensor")
            plain = _as_subclass(obj, _Tensor)
            if plain.is_quantized or plain.is_meta:
                return V.OpaqueV(type_name="Tensor", summary="a quantized or meta tensor")
            dname = dtype_name(plain.dtype)
            if dname not in SUPPORTED_DTYPES:
                return V.OpaqueV(type_name="Tensor", summary=f"a tensor of dtype {dname}")
            device = str(plain.device)
            requires_grad = bool(plain.requires_grad)
            data = _contiguous(_clone(_to(_detach(plain), "cpu")))
            is_complex = data.is_complex()
            shape = list(plain.shape)
            if is_complex:
                data = _view_as_real(data)
        return self._store(data, dname, shape, device, requires_grad, is_complex)

    def _numpy(self, obj: np.ndarray) -> V.Value:
        arr = np.asarray(obj).view(np.ndarray)
        if arr.dtype == object or arr.dtype.kind not in "biufc":
            return V.OpaqueV(type_name="numpy.ndarray", summary=f"a NumPy array of dtype {arr.dtype}")
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("="))
        with _no_torch_function():
            data = _from_numpy(np.ascontiguousarray(arr).copy())
            is_complex = data.is_complex()
            dname = dtype_name(data.dtype)
            if dname not in SUPPORTED_DTYPES:
                return V.OpaqueV(type_name="numpy.ndarray", summary=f"a NumPy array of dtype {arr.dtype}")
            if is_complex:
                data = _view_as_real(data)
        value = self._store(data, dname, list(arr.shape), "numpy", False, is_complex)
        return value

    def _numpy_scalar(self, obj: np.generic, depth: int) -> V.Value:
        arr = np.asarray(obj)
        if arr.dtype.kind == "b":
            return V.BoolV(v=bool(arr))
        if arr.dtype.kind in "iu":
            return V.IntV(v=int(arr))
        if arr.dtype.kind == "f":
            return V.FloatV(v=V.float_to_text(float(arr)))
        if arr.dtype.kind == "c":
            c = complex(arr)
            return V.ComplexV(re=V.float_to_text(c.real), im=V.float_to_text(c.imag))
        return V.OpaqueV(type_name=_type_name(obj), summary=_safe_repr(obj))

    def _store(self, data, dname, shape, device, requires_grad, is_complex) -> V.TensorV:
        nbytes = data.numel() * data.element_size()
        if self.nbytes + nbytes > self.max_bytes:
            raise EncodeError(
                f"a result of {nbytes / 2**20:.1f} MiB is larger than the {self.max_bytes / 2**20:.0f} MiB the grader accepts"
            )
        self.nbytes += nbytes
        key = f"{self.prefix}t{_len(self.tensors)}"
        self.tensors[key] = data
        return V.TensorV(
            key=key, dtype=dname, shape=shape, device=device,
            requires_grad=requires_grad, is_complex=is_complex,
        )

    def payload(self) -> bytes:
        return _st_save(self.tensors) if self.tensors else b""


def load_payload(payload: bytes, max_bytes: int) -> dict[str, torch.Tensor]:
    if not payload:
        return {}
    if _len(payload) > max_bytes:
        raise DecodeError("payload over the size limit")
    try:
        return _st_load(payload)
    except Exception as exc:  # safetensors raises several types for malformed bytes
        raise DecodeError(f"malformed tensor payload: {type(exc).__name__}") from None


@dataclass(frozen=True)
class TensorData:
    """A tensor received from the other side, with where it lived there.

    `device` is the sender's device ('cpu', 'cuda:0', ...) or 'numpy' for a NumPy
    array; `data` is always a CPU tensor, so a CUDA result is compared on the CPU.
    """

    data: torch.Tensor
    device: str = "cpu"
    requires_grad: bool = False

    @property
    def is_numpy(self) -> bool:
        return self.device == "numpy"


class Decoder:
    """Rebuilds objects from `Value`s.

    The worker decodes the judge's trusted messages into live objects (`trusted=True`:
    generators, the checks' named helpers, strided views, tensors placed on their device). The judge
    decodes untrusted worker messages into inert data (`TensorData`, `Opaque`, `Handle`).
    """

    def __init__(self, tensors: dict[str, torch.Tensor], *, trusted: bool,
                 handles: dict[str, Any] | None = None, helpers: Callable[[str, str], Any] | None = None,
                 drawn: bool = False):
        self.tensors = tensors
        self.trusted = trusted
        self.drawn = drawn or trusted  # rebuild drawn inputs (the judge's own plans; never a worker's reply)
        self.handles = handles
        self.helpers = helpers  # (module, name) -> the checks' helper of that name (trusted side only)

    def decode(self, v: V.Value) -> Any:
        match v:
            case V.NoneV():
                return None
            case V.BoolV() | V.IntV() | V.StrV():
                return v.v
            case V.FloatV():
                return _float_text(v.v)
            case V.ComplexV():
                return complex(_float_text(v.re), _float_text(v.im))
            case V.ListV():
                return [self.decode(x) for x in v.items]
            case V.TupleV():
                return tuple(self.decode(x) for x in v.items)
            case V.DictV():
                if _len(v.keys) != _len(v.values):
                    raise DecodeError("dict keys and values differ in number")
                return {k: self.decode(x) for k, x in zip(v.keys, v.values)}
            case V.DtypeV():
                found = getattr(torch, v.name, None)
                if not isinstance(found, torch.dtype):
                    raise DecodeError(f"unknown dtype {v.name!r}")
                return found
            case V.TensorV():
                return self._tensor(v)
            case V.DrawnV() if self.drawn:
                return self._drawn(v)
            case V.GeneratorV() if self.trusted:
                return _Generator().manual_seed(v.seed)
            case V.HelperV() if self.trusted and self.helpers is not None:
                found = self.helpers(v.module, v.name)
                if not v.call:
                    return found
                return found(*[self.decode(x) for x in v.args], **{k: self.decode(x) for k, x in v.kwargs.items()})
            case V.HandleV():
                if self.trusted and self.handles is not None:
                    if v.name not in self.handles:
                        raise DecodeError(f"unknown handle {v.name!r}")
                    return self.handles[v.name]
                return Handle(v.name, v.type_name)
            case V.OpaqueV():
                return Opaque(v.type_name, v.summary)
            case _:
                return Opaque(getattr(v, "t", "value"), "not accepted from this side")

    def _drawn(self, v: V.DrawnV) -> Any:
        try:
            data = drawn.rebuild(v.kind, v.seed, tuple(v.shape), dtype_from_name(v.dtype), v.low, v.high)
        except ValueError as exc:
            raise DecodeError(str(exc)) from None
        if not self.trusted:
            return TensorData(data, "cpu", v.requires_grad)
        if v.requires_grad and data.is_floating_point():
            data.requires_grad_(True)
        return data

    def _tensor(self, v: V.TensorV) -> Any:
        data = self.tensors.get(v.key)
        if data is None:
            raise DecodeError(f"tensor {v.key!r} missing from the payload")
        if v.is_complex:
            if data.ndim == 0 or data.shape[-1] != 2 or data.dtype not in (torch.float32, torch.float64):
                raise DecodeError("complex tensor without its (re, im) axis")
            # a fresh copy: safetensors aligns tensors only to their element size, and a
            # complex view of 4-byte-aligned floats crashes kernels that expect 8 bytes
            data = _view_as_complex(data.clone(memory_format=torch.contiguous_format))
        if data.dtype != dtype_from_name(v.dtype) or list(data.shape) != list(v.shape):
            raise DecodeError(f"tensor {v.key!r} does not match its description")
        if not self.trusted:
            if v.view is not None:
                raise DecodeError("strided views are only sent by the judge")
            return TensorData(data, v.device, v.requires_grad)
        data = data.clone()  # never alias the payload buffer: storage checks need own memory
        if v.device == "numpy":
            return data.numpy()
        if v.device != "cpu" and _device_available(v.device):
            data = data.to(v.device)
        if v.view is not None:
            data = data.as_strided(v.view.size, v.view.stride, v.view.offset)
            data._ag_view = True
        if v.requires_grad and (data.is_floating_point() or data.is_complex()):
            data.requires_grad_(True)
        return data


def _float_text(text: str) -> float:
    try:
        return V.text_to_float(text)
    except (ValueError, OverflowError):
        raise DecodeError(f"malformed float {text[:20]!r}") from None


def _device_available(device: str) -> bool:
    if device.startswith("cuda"):
        return torch.cuda.is_available()
    return device == "cpu"


def _type_name(obj: Any) -> str:
    t = _type(obj)
    module = getattr(t, "__module__", "") or ""
    name = getattr(t, "__qualname__", None) or getattr(t, "__name__", "object")
    if module in ("builtins", "__main__", ""):
        return str(name)[:100]
    return f"{module}.{name}"[:200]


def _safe_repr(obj: Any) -> str:
    try:
        text = _repr(obj)
        if _type(text) is not str:
            return ""
        return text[: V.MAX_REPR]
    except BaseException:  # noqa: BLE001 - a student's __repr__ may do anything
        return ""
