"""Python values as JSON-able pydantic models plus a separate tensor payload.

Both directions of the judge/worker link use this encoding. Decoding never runs code
from the payload: tensors go through safetensors (raw bytes plus a JSON header), every
other value is a small tagged JSON object validated by pydantic. Anything the encoder
does not understand is sent as an opaque description (type name and a short repr) and
can only be compared as "not the expected kind of value".
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from autograder.protocol.text import short_message, type_name


MAX_DEPTH = 32
MAX_ITEMS = 200_000
MAX_STR = 100_000
MAX_REPR = 200

# written by a process that may have run student code: scrubbed when parsed (protocol/text.py)
TypeName = Annotated[str, Field(max_length=200), AfterValidator(type_name)]
Summary = Annotated[str, Field(max_length=MAX_REPR), AfterValidator(lambda s: short_message(s, MAX_REPR))]


class _V(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoneV(_V):
    t: Literal["none"] = "none"


class BoolV(_V):
    t: Literal["bool"] = "bool"
    v: bool


class IntV(_V):
    t: Literal["int"] = "int"
    v: int


class FloatV(_V):
    """A float kept exactly, including nan and inf, as `float.hex()` text."""

    t: Literal["float"] = "float"
    v: str = Field(max_length=40)


class ComplexV(_V):
    t: Literal["complex"] = "complex"
    re: str = Field(max_length=40)
    im: str = Field(max_length=40)


class StrV(_V):
    t: Literal["str"] = "str"
    v: str = Field(max_length=MAX_STR)


class ListV(_V):
    t: Literal["list"] = "list"
    items: list["Value"] = Field(max_length=MAX_ITEMS)


class TupleV(_V):
    t: Literal["tuple"] = "tuple"
    items: list["Value"] = Field(max_length=MAX_ITEMS)


class DictV(_V):
    """A dict with str, int or bool keys (the keys JSON can carry without ambiguity)."""

    t: Literal["dict"] = "dict"
    keys: list[Union[str, int, bool]] = Field(max_length=MAX_ITEMS)
    values: list["Value"] = Field(max_length=MAX_ITEMS)


class StridedView(_V):
    """Pass `base.as_strided(size, stride, offset)` instead of the base tensor itself."""

    size: list[int]
    stride: list[int]
    offset: int = 0


class TensorV(_V):
    """A tensor whose bytes travel in the frame's payload under `key`."""

    t: Literal["tensor"] = "tensor"
    key: str = Field(max_length=300)
    dtype: str = Field(max_length=32)
    shape: list[int] = Field(max_length=64)
    device: str = Field(default="cpu", max_length=32)
    requires_grad: bool = False
    is_complex: bool = False
    view: StridedView | None = None


class DrawnV(_V):
    """A random tensor rebuilt from its recipe where it is used (see protocol/drawn.py): how a
    public release carries the inputs a check drew, instead of their bytes."""

    t: Literal["drawn"] = "drawn"
    kind: Literal["uniform", "normal", "integers"]
    seed: int = Field(ge=0, lt=2**63)
    shape: list[int] = Field(max_length=16)
    dtype: str = Field(max_length=32)
    low: float = 0.0   # uniform: [low, high); normal: mean, std; integers: [low, high)
    high: float = 1.0
    requires_grad: bool = False


class DtypeV(_V):
    t: Literal["dtype"] = "dtype"
    name: str = Field(max_length=32)


class GeneratorV(_V):
    """A fresh `torch.Generator` seeded with `seed` (judge to worker only)."""

    t: Literal["generator"] = "generator"
    seed: int


class HelperV(_V):
    """A function or class of the checks' own helper modules, found by name where it is
    decoded (judge to worker only): `module` names one of the unit's fixture modules
    ("blocks") or an engine module ("autograder.fixtures.fashion"), `name` something in it.
    With `call`, the value is what it returns for `args` and `kwargs` (built where the
    checked code runs: a model, a loader, a function with constants in it)."""

    t: Literal["helper"] = "helper"
    module: str = Field(max_length=200)
    name: str = Field(max_length=100)
    call: bool = False
    args: list["Value"] = Field(default_factory=list, max_length=64)
    kwargs: dict[str, "Value"] = Field(default_factory=dict)
    label: str = Field(default="", max_length=200)


class HandleV(_V):
    """An object that stays in the process that built it, referred to by name."""

    t: Literal["handle"] = "handle"
    name: str = Field(max_length=64)
    type_name: TypeName = ""


class OpaqueV(_V):
    """Something the encoder does not transport: only its type and a short repr."""

    t: Literal["opaque"] = "opaque"
    type_name: TypeName
    summary: Summary = ""


Value = Annotated[
    Union[
        NoneV, BoolV, IntV, FloatV, ComplexV, StrV, ListV, TupleV, DictV,
        TensorV, DrawnV, DtypeV, GeneratorV, HelperV, HandleV, OpaqueV,
    ],
    Field(discriminator="t"),
]

for _model in (ListV, TupleV, DictV, HelperV):
    _model.model_rebuild()


def float_to_text(x: float) -> str:
    return float(x).hex()


def text_to_float(s: str) -> float:
    try:
        return float.fromhex(s)
    except (ValueError, OverflowError):
        return float(s)  # 'nan', 'inf', '-inf'


def is_nan_text(s: str) -> bool:
    return math.isnan(text_to_float(s))
