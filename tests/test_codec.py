"""The value codec: what the worker sends is what the student's code really returned,
and what the judge decodes from it is inert data (or a clear DecodeError)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from pydantic import TypeAdapter

from autograder.protocol import codec
from autograder.protocol import values as V
from autograder.probes.helpers import HelperModules
from autograder.protocol.codec import DecodeError, Decoder, EncodeError, Encoder, Opaque, TensorData, load_payload

VALUE = TypeAdapter(V.Value)
LIMIT = 2**30


def send(obj, encoder: Encoder | None = None):
    """Encode as the worker does, serialise to JSON and bytes, and parse as the judge does."""
    encoder = encoder or Encoder()
    value = encoder.encode(obj)
    value = VALUE.validate_json(VALUE.dump_json(value))
    tensors = load_payload(encoder.payload(), LIMIT)
    return value, tensors


def untrusted(obj):
    value, tensors = send(obj)
    return Decoder(tensors, trusted=False).decode(value)


def trusted(obj):
    value, tensors = send(obj)
    return Decoder(tensors, trusted=True).decode(value)


# --- tensors ----------------------------------------------------------------------------

DTYPES = [
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128,
    torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.bool,
]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: str(d).removeprefix("torch."))
def test_every_supported_dtype_round_trips(dtype):
    source = torch.arange(-3, 3).reshape(2, 3) * 3 + 1
    tensor = (source.to(torch.complex128) * (1 - 0.5j)).to(dtype) if dtype.is_complex else source.to(dtype)
    received = untrusted(tensor)
    assert isinstance(received, TensorData)
    assert received.device == "cpu" and not received.is_numpy
    assert received.data.dtype == dtype
    assert received.data.shape == (2, 3)
    assert torch.equal(received.data, tensor)
    live = trusted(tensor)
    assert type(live) is torch.Tensor and live.dtype == dtype and torch.equal(live, tensor)


def test_float_specials_in_tensors_survive():
    tensor = torch.tensor([math.nan, math.inf, -math.inf, -0.0, 5e-324], dtype=torch.float64)
    received = untrusted(tensor).data
    assert torch.isnan(received[0]) and received[1] == math.inf and received[2] == -math.inf
    assert math.copysign(1.0, float(received[3])) == -1.0
    assert float(received[4]) == 5e-324


def test_zero_dim_and_empty_tensors():
    scalar = untrusted(torch.tensor(3.5))
    assert scalar.data.shape == () and float(scalar.data) == 3.5
    empty = untrusted(torch.zeros(0, 4, dtype=torch.int32))
    assert empty.data.shape == (0, 4) and empty.data.dtype == torch.int32
    complex_empty = untrusted(torch.zeros(0, 3, dtype=torch.complex128))
    assert complex_empty.data.shape == (0, 3) and complex_empty.data.dtype == torch.complex128
    complex_scalar = untrusted(torch.tensor(1 + 2j))
    assert complex_scalar.data.shape == () and complex(complex_scalar.data) == 1 + 2j


def test_non_contiguous_tensor_sends_its_logical_values():
    base = torch.arange(12.0).reshape(3, 4)
    for view in (base.t(), base[:, ::2], base.expand(2, 3, 4), base[1], base[::2, 1:]):
        received = untrusted(view).data
        assert received.shape == view.shape
        assert torch.equal(received, view)


def test_requires_grad_and_device_are_reported():
    x = torch.ones(2, requires_grad=True) * 2
    received = untrusted(x)
    assert received.requires_grad is True
    assert received.device == "cpu"


def test_received_tensor_does_not_alias_the_sender():
    original = torch.zeros(3)
    encoder = Encoder()
    encoder.encode(original)
    original += 1  # the student's code keeps mutating after returning
    assert torch.equal(load_payload(encoder.payload(), LIMIT)["t0"], torch.zeros(3))


def test_trusted_decode_gives_writable_independent_tensors():
    value, tensors = send(torch.arange(3.0))
    live = Decoder(tensors, trusted=True).decode(value)
    live += 10
    assert torch.equal(tensors["t0"], torch.arange(3.0))


def test_strided_view_is_built_for_trusted_receivers_only():
    encoder = Encoder()
    base = encoder.encode(torch.arange(10.0))
    value = base.model_copy(update={"view": V.StridedView(size=[5], stride=[2], offset=0)})
    value = VALUE.validate_json(VALUE.dump_json(value))
    tensors = load_payload(encoder.payload(), LIMIT)
    live = Decoder(tensors, trusted=True).decode(value)
    assert live.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert live._base is not None and live._base.numel() == 10
    with pytest.raises(DecodeError, match="strided views are only sent by the judge"):
        Decoder(tensors, trusted=False).decode(value)


def test_tensor_description_must_match_payload():
    value, tensors = send(torch.zeros(2, 3))
    lying_shape = value.model_copy(update={"shape": [3, 2]})
    with pytest.raises(DecodeError, match="does not match its description"):
        Decoder(tensors, trusted=False).decode(lying_shape)
    lying_dtype = value.model_copy(update={"dtype": "float64"})
    with pytest.raises(DecodeError, match="does not match its description"):
        Decoder(tensors, trusted=False).decode(lying_dtype)
    unknown_dtype = value.model_copy(update={"dtype": "float8_e4m3fn"})
    with pytest.raises(DecodeError, match="unsupported dtype"):
        Decoder(tensors, trusted=False).decode(unknown_dtype)
    fake_complex = value.model_copy(update={"is_complex": True, "dtype": "complex64", "shape": [2]})
    with pytest.raises(DecodeError):
        Decoder(tensors, trusted=False).decode(fake_complex)


def test_missing_tensor_key():
    value, _ = send(torch.zeros(2))
    with pytest.raises(DecodeError, match="missing from the payload"):
        Decoder({}, trusted=False).decode(value)


@pytest.mark.parametrize("payload", [b"garbage", b"\x00" * 8, b"\xff" * 64, b"\x10\x00\x00\x00\x00\x00\x00\x00{bad json"])
def test_malformed_payload_bytes(payload):
    with pytest.raises(DecodeError, match="malformed tensor payload"):
        load_payload(payload, LIMIT)


def test_payload_over_the_limit():
    encoder = Encoder()
    encoder.encode(torch.zeros(100))
    with pytest.raises(DecodeError, match="over the size limit"):
        load_payload(encoder.payload(), 100)
    assert load_payload(b"", 0) == {}


def test_result_over_max_bytes_raises_encode_error():
    encoder = Encoder(max_bytes=2**20)
    encoder.encode(torch.zeros(2**16))  # 256 KiB: fine
    with pytest.raises(EncodeError, match="larger than the 1 MiB the grader accepts"):
        encoder.encode([torch.zeros(2**16) for _ in range(4)])


@pytest.mark.parametrize("make", [lambda: torch.eye(3).to_sparse(), lambda: torch.eye(3).to_sparse_csr()],
                         ids=["sparse_coo", "sparse_csr"])
def test_sparse_tensors_become_opaque(make):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sparse = make()
    value = Encoder().encode(sparse)
    assert isinstance(value, V.OpaqueV) and "sparse" in value.summary


def test_unsupported_tensor_kinds_become_opaque():
    meta = Encoder().encode(torch.empty(3, device="meta"))
    assert isinstance(meta, V.OpaqueV)
    uint32 = Encoder().encode(torch.zeros(3, dtype=torch.uint32))
    assert isinstance(uint32, V.OpaqueV) and "uint32" in uint32.summary


# --- numpy ------------------------------------------------------------------------------

def test_numpy_arrays_are_marked_as_numpy():
    array = np.arange(6, dtype=np.int32).reshape(2, 3)
    received = untrusted(array)
    assert isinstance(received, TensorData) and received.is_numpy
    assert received.data.dtype == torch.int32 and received.data.tolist() == array.tolist()
    live = trusted(array)
    assert isinstance(live, np.ndarray) and live.dtype == np.int32 and (live == array).all()


def test_numpy_special_arrays():
    big_endian = np.arange(4, dtype=">f8")
    assert untrusted(big_endian).data.tolist() == [0.0, 1.0, 2.0, 3.0]
    transposed = np.arange(6.0).reshape(2, 3).T
    assert untrusted(transposed).data.tolist() == transposed.tolist()
    complex_array = np.array([1 + 2j, -1j], dtype=np.complex64)
    received = untrusted(complex_array)
    assert received.data.dtype == torch.complex64 and received.data.tolist() == [1 + 2j, -1j]
    assert isinstance(Encoder().encode(np.array(["a", "b"])), V.OpaqueV)
    assert isinstance(Encoder().encode(np.array([object()])), V.OpaqueV)


def test_numpy_scalars_become_python_numbers():
    assert untrusted(np.float32(1.5)) == 1.5 and type(untrusted(np.float32(1.5))) is float
    assert untrusted(np.int64(-3)) == -3 and type(untrusted(np.int64(-3))) is int
    assert untrusted(np.uint8(250)) == 250
    assert untrusted(np.bool_(True)) is True and untrusted(np.bool_(False)) is False
    assert untrusted(np.complex128(1 - 2j)) == 1 - 2j
    assert math.isnan(untrusted(np.float64("nan")))


# --- Python values ----------------------------------------------------------------------

def test_python_scalars():
    assert untrusted(None) is None
    assert untrusted(True) is True and untrusted(False) is False
    assert untrusted(-7) == -7
    assert untrusted(0.1) == 0.1
    assert untrusted(1 + 2j) == 1 + 2j
    assert untrusted("naïve ✓") == "naïve ✓"
    assert untrusted(torch.float64) is torch.float64


def test_float_specials_are_exact():
    assert math.isnan(untrusted(math.nan))
    assert untrusted(math.inf) == math.inf and untrusted(-math.inf) == -math.inf
    assert math.copysign(1.0, untrusted(-0.0)) == -1.0
    assert untrusted(5e-324) == 5e-324
    assert untrusted(0.1 + 0.2) == 0.1 + 0.2  # every bit kept
    value = untrusted(complex(math.nan, -math.inf))
    assert math.isnan(value.real) and value.imag == -math.inf


def test_big_ints():
    for n in (2**63, -(2**64) - 1, 10**30):
        assert untrusted(n) == n


def test_huge_int_is_sent_or_reported_as_opaque():
    n = 10**5000
    received = untrusted(n)
    assert received == n or isinstance(received, Opaque)


def test_torch_size_is_a_tuple():
    assert untrusted(torch.Size([2, 3])) == (2, 3)
    assert type(untrusted(torch.Size([]))) is tuple


def test_nested_containers():
    obj = {"a": [1, (2.0, None)], "b": {"c": [torch.ones(2), "s"]}, 3: True}
    received = untrusted(obj)
    assert received["a"] == [1, (2.0, None)]
    assert isinstance(received["b"]["c"][0], TensorData)
    assert received["b"]["c"][1] == "s"
    assert received[3] is True
    assert type(received["a"]) is list and type(received["a"][1]) is tuple


def test_dict_keys():
    assert untrusted({1: "a", "b": 2, False: 0}) == {1: "a", "b": 2, False: 0}
    assert list(untrusted({"z": 1, "a": 2})) == ["z", "a"]  # order kept
    tuple_key = Encoder().encode({(1, 2): 3})
    assert isinstance(tuple_key, V.OpaqueV) and tuple_key.summary == "a dict with a tuple key"
    tensor_key = Encoder().encode({torch.tensor(1): 3})
    assert isinstance(tensor_key, V.OpaqueV)


def test_unknown_objects_are_opaque_with_a_short_repr():
    class Thing:
        def __repr__(self):
            return "Thing" + "!" * 1000

    value = Encoder().encode(Thing())
    assert isinstance(value, V.OpaqueV)
    assert value.type_name.endswith("Thing")
    assert value.summary.startswith("Thing!") and len(value.summary) <= V.MAX_REPR
    received = untrusted(Thing())
    assert isinstance(received, Opaque) and received.type_name.endswith("Thing")
    assert isinstance(untrusted(lambda x: x), Opaque)
    assert isinstance(untrusted(torch.nn.Linear(2, 3)), Opaque)
    assert isinstance(untrusted(iter([1, 2])), Opaque)


def test_long_string_is_opaque():
    value = Encoder().encode("x" * (V.MAX_STR + 1))
    assert isinstance(value, V.OpaqueV) and "characters" in value.summary


def test_over_deep_nesting_becomes_opaque():
    deep: list = []
    for _ in range(100):
        deep = [deep]
    received = untrusted(deep)
    depth = 0
    while isinstance(received, list):
        received = received[0]
        depth += 1
    assert isinstance(received, Opaque)
    assert V.MAX_DEPTH <= depth <= V.MAX_DEPTH + 1


def test_too_many_items_become_opaque(monkeypatch):
    value = Encoder().encode(list(range(V.MAX_ITEMS + 1)))
    assert isinstance(value, V.OpaqueV) and value.summary == f"a sequence of {V.MAX_ITEMS + 1} items"
    # the budget is per message: items beyond it are opaque, not silently dropped
    monkeypatch.setattr(V, "MAX_ITEMS", 100)
    value = Encoder().encode([[0] * 80, [0] * 80])
    first, second = value.items[0].items, value.items[1].items
    assert len(second) == 80
    assert all(isinstance(v, V.IntV) for v in first)
    assert isinstance(second[0], V.IntV) and isinstance(second[-1], V.OpaqueV)


# --- objects that lie -----------------------------------------------------------------

def test_int_subclass_that_lies():
    class Liar(int):
        def __eq__(self, other):
            return True

        def __int__(self):
            return 99

        def __index__(self):
            return 99

        def __repr__(self):
            return "99"

        __hash__ = int.__hash__

    received = untrusted(Liar(5))
    assert received == 5 and type(received) is int


def test_float_subclass_that_lies():
    class Liar(float):
        def __float__(self):
            return 0.0

        def __repr__(self):
            raise RuntimeError("no repr")

        def hex(self):
            return "0x0p+0"

    received = untrusted(Liar(2.5))
    assert received == 2.5 and type(received) is float


def test_str_subclass_that_lies():
    class Liar(str):
        def __str__(self):
            return "lie"

        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    received = untrusted(Liar("truth"))
    assert received == "truth" and type(received) is str


def test_list_subclass_that_lies():
    class Liar(list):
        def __iter__(self):
            return iter([1, 2, 3])

        def __len__(self):
            return 3

        def __getitem__(self, i):
            return 1

    received = untrusted(Liar([7]))
    assert received == [7] and type(received) is list


def test_dict_subclass_that_lies():
    class Liar(dict):
        def items(self):
            return [("a", 1)]

        def keys(self):
            return ["a"]

    assert untrusted(Liar(z=26)) == {"z": 26}


def test_object_with_bool_is_not_sent_as_a_bool():
    class Truthy:
        def __bool__(self):
            return True

    assert isinstance(untrusted(Truthy()), Opaque)


class GarbageTensor(torch.Tensor):
    """A tensor subclass whose every torch operation returns something else."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return torch.tensor([666.0])


class NonsenseTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return "garbage"


class RaisingTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        raise RuntimeError("no torch for you")


@pytest.mark.parametrize("subclass", [GarbageTensor, NonsenseTensor, RaisingTensor])
def test_tensor_subclass_with_lying_torch_function(subclass):
    true_values = torch.tensor([[1.0, 2.0, 3.0]])
    lying = true_values.clone().as_subclass(subclass)
    received = untrusted(lying)
    assert isinstance(received, TensorData)
    assert received.data.shape == (1, 3)
    assert torch.equal(received.data, true_values)


def test_tensor_subclass_values_are_read_without_its_torch_function():
    # the payload bytes themselves are right even for a hostile subclass
    lying = torch.tensor([1.0, 2.0, 3.0]).as_subclass(GarbageTensor)
    encoder = Encoder()
    value = encoder.encode(lying)
    assert isinstance(value, V.TensorV) and value.dtype == "float32"
    assert type(encoder.tensors["t0"]) is torch.Tensor
    assert torch.equal(encoder.tensors["t0"], torch.tensor([1.0, 2.0, 3.0]))


def test_object_claiming_to_be_a_tensor_is_opaque():
    class Impostor:
        @property
        def __class__(self):
            return torch.Tensor

        def __repr__(self):
            raise ValueError("boom")

    value = Encoder().encode(Impostor())
    assert isinstance(value, V.OpaqueV)
    assert value.type_name.endswith("Impostor")
    assert value.summary == ""


@pytest.mark.parametrize("error", [ValueError, SystemExit, KeyboardInterrupt, RecursionError])
def test_repr_that_raises_gives_an_empty_summary(error):
    class Bad:
        def __repr__(self):
            raise error("no")

    value = Encoder().encode([Bad()])
    assert isinstance(value.items[0], V.OpaqueV) and value.items[0].summary == ""


def test_repr_that_returns_a_non_string():
    class Bad:
        def __repr__(self):
            return 42

    value = Encoder().encode(Bad())
    assert isinstance(value, V.OpaqueV) and value.summary == ""


def test_handles_refer_to_objects_kept_by_the_sender():
    model = torch.nn.Linear(2, 2)
    encoder = Encoder(handles={"m": model})
    value = encoder.encode([model, torch.nn.Linear(2, 2)])
    assert isinstance(value.items[0], V.HandleV) and value.items[0].name == "m"
    assert isinstance(value.items[1], V.OpaqueV)
    handle = Decoder({}, trusted=False).decode(value.items[0])
    assert isinstance(handle, codec.Handle) and handle.name == "m"
    assert Decoder({}, trusted=True, handles={"m": model}).decode(value.items[0]) is model
    with pytest.raises(DecodeError, match="unknown handle"):
        Decoder({}, trusted=True, handles={}).decode(V.HandleV(name="other"))


# --- judge-only values --------------------------------------------------------------------

def test_generator_and_helper_only_from_the_judge():
    generator = V.GeneratorV(seed=7)
    helper = V.HelperV(module="autograder.fixtures.fashion", name="flat_model", call=True,
                       args=[V.IntV(v=3)], label="a flat model")
    refused_generator = Decoder({}, trusted=False).decode(generator)
    refused_helper = Decoder({}, trusted=False, helpers=HelperModules()).decode(helper)
    assert refused_generator == Opaque("generator", "not accepted from this side")
    assert refused_helper == Opaque("helper", "not accepted from this side")
    live_generator = Decoder({}, trusted=True).decode(generator)
    assert isinstance(live_generator, torch.Generator)
    assert torch.equal(torch.rand(3, generator=live_generator), torch.rand(3, generator=torch.Generator().manual_seed(7)))
    model = Decoder({}, trusted=True, helpers=HelperModules()).decode(helper)
    torch.manual_seed(3)
    assert torch.equal(model[1].weight, torch.nn.Linear(784, 10).weight)  # built by the named helper, seeded


def test_a_helper_outside_the_fixture_modules_is_not_found():
    """A step can name the checks' helpers only: no other module of the judge's machine."""
    import pytest as _pytest

    from autograder.probes.helpers import HelperNotFound

    helpers = HelperModules()
    with _pytest.raises(HelperNotFound):
        helpers("os", "system")
    with _pytest.raises(HelperNotFound):
        helpers("autograder.fixtures.fashion", "_private")


def test_dict_with_unequal_keys_and_values_is_rejected():
    value = V.DictV(keys=["a", "b"], values=[V.IntV(v=1)])
    with pytest.raises(DecodeError, match="differ in number"):
        Decoder({}, trusted=False).decode(value)


@pytest.mark.parametrize("value", [
    V.FloatV(v="garbage"), V.FloatV(v="0x1p+99999"), V.ComplexV(re="1", im="j"),
])
def test_malformed_float_text_raises_decode_error(value):
    with pytest.raises(DecodeError):
        Decoder({}, trusted=False).decode(value)


def test_complex_tensor_over_bfloat16_payload_raises_decode_error():
    value = V.TensorV(key="k", dtype="complex64", shape=[3], is_complex=True)
    with pytest.raises(DecodeError):
        Decoder({"k": torch.zeros(3, 2, dtype=torch.bfloat16)}, trusted=False).decode(value)


def test_unsupported_dtype_object_round_trips_or_is_opaque():
    received = untrusted(torch.uint16)
    assert received is torch.uint16 or isinstance(received, Opaque)


def test_complex_tensor_at_a_4_byte_offset_is_safe_to_compute_with():
    """safetensors aligns only to the element size: a complex view must not be misaligned."""
    from safetensors.torch import save

    values = torch.randn(1000, 2, dtype=torch.float32)
    payload = save({"a": torch.ones(1), "b": values})  # 'b' starts 4 bytes after 'a'
    tensors = codec.load_payload(payload, 10**8)
    decoded = codec.Decoder(tensors, trusted=False).decode(
        V.TensorV(key="b", dtype="complex64", shape=[1000], is_complex=True))
    data = decoded.data
    assert data.data_ptr() % 8 == 0
    order = torch.argsort(data.real, stable=True)
    assert torch.equal(torch.gather(data, -1, order).real, data.real[order])


# --- drawn inputs (public releases) -----------------------------------------------------------

def test_drawn_tensors_are_rebuilt_bit_for_bit_from_their_recipe():
    """The release's inputs are rebuilt on the student's machine: the stream must not depend on
    the platform (these values were written down on the machine that made the release)."""
    from autograder.protocol import drawn

    assert drawn.uniform(1, (4,), torch.float64).tolist() == [0.7576315999031067, 0.2793108820915222,
                                                              0.40306925773620605, 0.7346844673156738]
    assert drawn.normal(1, (4,), torch.float32).tolist() == [0.2725909352302551, -0.6403752565383911,
                                                             0.5415818691253662, 0.8341308236122131]
    assert drawn.integers(1, (4,), 0, 10).tolist() == [5, 9, 4, 8]
    big = drawn.normal(3, (20_000,), torch.float64)
    assert abs(big.mean().item()) < 0.03 and abs(big.std().item() - 1) < 0.03


def test_a_drawn_recipe_is_rebuilt_by_the_judge_but_never_accepted_from_a_worker():
    recipe = V.DrawnV(kind="uniform", seed=5, shape=[2, 3], dtype="float32", low=-1, high=1)
    live = Decoder({}, trusted=True).decode(recipe)
    assert live.shape == (2, 3) and live.dtype == torch.float32 and bool((live >= -1).all() and (live < 1).all())
    assert Decoder({}, trusted=False).decode(recipe) == Opaque("drawn", "not accepted from this side")
    assert torch.equal(Decoder({}, trusted=False, drawn=True).decode(recipe).data, live)
    with pytest.raises(DecodeError):
        Decoder({}, trusted=True).decode(recipe.model_copy(update={"shape": [10**6, 10**6]}))


def test_a_release_sends_untouched_draws_as_recipes_and_the_rest_as_bytes():
    from autograder.exercises import spec as S

    def cases(d):
        x = d.randn(100, 3)
        changed = d.rand(4)
        changed[0] = 5.0  # changed after it was drawn: it must travel as it is now
        return [S.case(x, changed, x * 2)]

    check = S.output("values", "f", cases)
    plan, tensors = check.plan(seed=1, release=True)
    first, second, third = plan.cases[0].steps[0].args
    assert isinstance(first, V.DrawnV) and isinstance(second, V.TensorV) and isinstance(third, V.TensorV)
    assert len(tensors) == 2
    hidden, _ = check.plan(seed=1)
    assert all(isinstance(a, V.TensorV) for a in hidden.cases[0].steps[0].args)
