"""Frames on a pipe, and the judge's whole decoding path under hostile input.

Whatever the worker's side of the channel carries (student code can write to it), the
judge may only see ProtocolError (PeerClosed included), Timeout or DecodeError, and it
must never wait past its deadline or allocate what a length prefix claims.
"""

from __future__ import annotations

import json
import os
import struct
import threading
import time
import tracemalloc
from typing import Any

import pytest
import torch
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from autograder.protocol import codec, framing
from autograder.protocol import values as V
from autograder.protocol.framing import FrameReader, PeerClosed, ProtocolError, Timeout, encode_frame, parse_message
from autograder.protocol.messages import (
    CaseDone, CellDone, ErrorInfo, GradOutcome, Ready, Reply, RunCase, Step, StepOutcome, StorageFacts,
)

REPLY = TypeAdapter(Reply)
PREFIX = struct.Struct(">4sIQ")


def pipe_with(data: bytes, close: bool = True) -> tuple[int, int | None, threading.Thread]:
    """A pipe whose write end gets `data` from a thread (so big data cannot block us)."""
    read_fd, write_fd = os.pipe()

    def _write():
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view):]
        except OSError:
            pass  # the reader gave up and closed its end
        finally:
            if close:
                os.close(write_fd)

    writer = threading.Thread(target=_write, daemon=True)
    writer.start()
    return read_fd, (None if close else write_fd), writer


# --- framing ----------------------------------------------------------------------------

def test_round_trip_over_a_pipe():
    ready = Ready(python="3.11.9", torch="2.4.0", cuda=True, device_name="NVIDIA H100")
    done = CellDone(index=3, error=ErrorInfo(type="ValueError", message="bad"), seconds=0.5)
    read_fd, write_fd = os.pipe()
    try:
        framing.write_frame(write_fd, ready, b"tensor bytes")
        framing.write_frame(write_fd, done)
        reader = FrameReader(read_fd)
        header, payload = reader.read(time.monotonic() + 2)
        assert parse_message(REPLY, header) == ready and payload == b"tensor bytes"
        header, payload = reader.read(time.monotonic() + 2)
        assert parse_message(REPLY, header) == done and payload == b""
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_large_frame_arrives_whole():
    payload = os.urandom(3 * 2**20)  # far more than a pipe buffer holds
    frame = encode_frame(CaseDone(outcomes=[StepOutcome(seconds=1.0)]), payload)
    read_fd, _, writer = pipe_with(frame)
    try:
        header, received = FrameReader(read_fd).read(time.monotonic() + 10)
        assert received == payload
        assert parse_message(REPLY, header).outcomes[0].seconds == 1.0
    finally:
        writer.join()
        os.close(read_fd)


def test_frame_written_in_dribbles_is_reassembled():
    frame = encode_frame(Ready(python="3", torch="2"), b"xyz")
    read_fd, write_fd = os.pipe()

    def dribble():
        for i in range(len(frame)):
            os.write(write_fd, frame[i:i + 1])
            if i % 10 == 0:
                time.sleep(0.001)

    writer = threading.Thread(target=dribble)
    writer.start()
    try:
        header, payload = FrameReader(read_fd).read(time.monotonic() + 5)
        assert parse_message(REPLY, header) == Ready(python="3", torch="2") and payload == b"xyz"
    finally:
        writer.join()
        os.close(read_fd)
        os.close(write_fd)


def test_timeout_when_nothing_arrives():
    read_fd, write_fd = os.pipe()
    try:
        started = time.monotonic()
        with pytest.raises(Timeout):
            FrameReader(read_fd).read(started + 0.2)
        elapsed = time.monotonic() - started
        assert 0.15 <= elapsed < 1.0
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_timeout_when_a_frame_stops_half_way():
    frame = encode_frame(Ready(python="3", torch="2"), b"x" * 100)
    read_fd, write_fd = os.pipe()
    try:
        os.write(write_fd, frame[: len(frame) // 2])  # the peer is still alive, but stuck
        started = time.monotonic()
        with pytest.raises(Timeout):
            FrameReader(read_fd).read(started + 0.2)
        assert time.monotonic() - started < 1.0
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_deadline_already_passed():
    read_fd, write_fd = os.pipe()
    try:
        started = time.monotonic()
        with pytest.raises(Timeout):
            FrameReader(read_fd).read(started - 1)
        assert time.monotonic() - started < 0.1
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_peer_closed_on_eof():
    read_fd, write_fd = os.pipe()
    os.close(write_fd)
    try:
        with pytest.raises(PeerClosed, match="closed the channel"):
            FrameReader(read_fd).read(time.monotonic() + 2)
    finally:
        os.close(read_fd)
    assert issubclass(PeerClosed, ProtocolError)


def test_peer_closed_in_the_middle_of_a_frame():
    frame = encode_frame(Ready(python="3", torch="2"), b"payload")
    read_fd, _, writer = pipe_with(frame[:-3])
    try:
        with pytest.raises(PeerClosed):
            FrameReader(read_fd).read(time.monotonic() + 2)
    finally:
        writer.join()
        os.close(read_fd)


def test_bad_magic():
    frame = encode_frame(Ready(python="3", torch="2"))
    read_fd, _, writer = pipe_with(b"HTTP" + frame[4:])
    try:
        with pytest.raises(ProtocolError, match="not a frame"):
            FrameReader(read_fd).read(time.monotonic() + 2)
    finally:
        writer.join()
        os.close(read_fd)


def test_printed_text_on_the_channel_is_not_a_frame():
    read_fd, _, writer = pipe_with(b"hello from print()\n" * 3)
    try:
        with pytest.raises(ProtocolError):
            FrameReader(read_fd).read(time.monotonic() + 2)
    finally:
        writer.join()
        os.close(read_fd)


@pytest.mark.parametrize("header_len,payload_len", [
    (framing.MAX_HEADER + 1, 0),
    (2**32 - 1, 2**64 - 1),
    (10, framing.MAX_PAYLOAD + 1),
    (10, 2**63),
])
def test_oversized_lengths_are_refused_without_allocating(header_len, payload_len):
    read_fd, write_fd = os.pipe()
    try:
        os.write(write_fd, PREFIX.pack(framing.MAGIC, header_len, payload_len) + b"{}")
        tracemalloc.start()
        started = time.monotonic()
        try:
            with pytest.raises(ProtocolError, match="over the limit"):
                FrameReader(read_fd).read(started + 5)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert time.monotonic() - started < 0.5  # refused at once, not after waiting for the bytes
        assert peak < 2**20
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_reader_caps_are_configurable():
    frame = encode_frame(Ready(python="3", torch="2"), b"x" * 101)
    for reader_args, ok in [((1000, 101), True), ((1000, 100), False), ((10, 1000), False)]:
        read_fd, _, writer = pipe_with(frame)
        try:
            reader = FrameReader(read_fd, *reader_args)
            if ok:
                assert reader.read(time.monotonic() + 2)[1] == b"x" * 101
            else:
                with pytest.raises(ProtocolError, match="over the limit"):
                    reader.read(time.monotonic() + 2)
        finally:
            writer.join()
            os.close(read_fd)


# --- parse_message ----------------------------------------------------------------------

def test_parse_message_names_the_bad_field():
    with pytest.raises(ProtocolError, match=r"invalid message \(ready\.python: Field required\)"):
        parse_message(REPLY, b'{"kind": "ready", "torch": "2"}')
    with pytest.raises(ProtocolError, match=r"cell_done\.index"):
        parse_message(REPLY, b'{"kind": "cell_done", "index": "three"}')
    with pytest.raises(ProtocolError, match=r"extra|Extra"):
        parse_message(REPLY, b'{"kind": "ready", "python": "3", "torch": "2", "evil": 1}')


def test_parse_message_rejects_unknown_kinds_and_requests_as_replies():
    with pytest.raises(ProtocolError, match="does not match any of the expected tags"):
        parse_message(REPLY, b'{"kind": "rm -rf"}')
    request = RunCase(steps=[Step(target="f")], seed=1, timeout=1.0).model_dump_json().encode()
    with pytest.raises(ProtocolError):
        parse_message(REPLY, request)


@pytest.mark.parametrize("header", [b"", b"not json", b"\xff\xfe\x00", b"{'single': 'quotes'}", b'{"kind": "ready"',
                                    b"[" * 100_000, b'{"a":' * 50_000])
def test_parse_message_maps_bad_json_and_deep_recursion(header):
    with pytest.raises(ProtocolError, match="invalid message"):
        parse_message(REPLY, header)


def test_parse_message_rejects_over_long_fields():
    huge_error = {"kind": "cell_done", "index": 1, "error": {"message": "x" * 5000}}
    with pytest.raises(ProtocolError, match="error.message"):
        parse_message(REPLY, json.dumps(huge_error).encode())


# --- fuzzing the judge's decoding path ----------------------------------------------------

ALLOWED = (ProtocolError, Timeout, codec.DecodeError)  # PeerClosed is a ProtocolError
BUDGET = 300
EXAMPLES = {"framing": 0, "values": 0}
SLOWEST = {"framing": 0.0, "values": 0.0}


class Escaped(AssertionError):
    """An exception other than ProtocolError/Timeout/DecodeError reached the judge."""


def values_in(reply: Any) -> list[V.Value]:
    found: list[V.Value] = []
    if isinstance(reply, CaseDone):
        for outcome in reply.outcomes:
            if outcome.result is not None:
                found.append(outcome.result)
            found.extend(outcome.args_after or [])
            if outcome.grads is not None:
                found.extend(v for v in outcome.grads.args if v is not None)
                found.extend(v for v in outcome.grads.params.values() if v is not None)
    return found


def judge_reads(data: bytes) -> str:
    """Feed `data` to the judge's reading path as the worker's side of the channel; return
    how it ended. Raises Escaped for anything the judge is not prepared to handle."""
    read_fd, _, writer = pipe_with(data)
    outcome = "ok"
    try:
        reader = FrameReader(read_fd)
        for _ in range(4):
            header, payload = reader.read(time.monotonic() + 2)
            reply = parse_message(REPLY, header)
            tensors = codec.load_payload(payload, framing.MAX_PAYLOAD)
            decoder = codec.Decoder(tensors, trusted=False)
            for value in values_in(reply):
                decoder.decode(value)
    except ALLOWED as exc:
        outcome = type(exc).__name__
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - e.g. a Rust panic from a parser
        raise Escaped(f"{type(exc).__name__}: {exc}"[:500]) from exc
    finally:
        os.close(read_fd)
        writer.join(5)
    return outcome


# strategies ---------------------------------------------------------------------------

json_leaves = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=8)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["t", "v", "kind", "key", "shape", "dtype", "items", "keys", "values", "outcomes",
                         "result", "re", "im", "x"]), inner, max_size=3),
    max_leaves=6,
)

small_tensors = st.builds(
    lambda values, dtype: torch.tensor(values).to(dtype),
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=0, max_size=4),
    st.sampled_from([torch.float32, torch.float64, torch.int64, torch.bool, torch.complex64, torch.bfloat16]),
)
python_results = st.recursive(
    st.none() | st.booleans() | st.integers(-2**80, 2**80) | st.floats() | st.text(max_size=8) | small_tensors,
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=3) | st.integers(0, 9), inner, max_size=2),
    max_leaves=5,
)


def case_done(*results: Any, grads: bool = False) -> tuple[CaseDone, bytes]:
    encoder = codec.Encoder()
    outcomes = []
    for result in results:
        outcome = StepOutcome(result=encoder.encode(result), seconds=0.01)
        if grads:
            outcome.grads = GradOutcome(args=[encoder.encode(torch.ones(2)), None], params={"w": encoder.encode(torch.ones(1))})
            outcome.args_after = [encoder.encode(torch.zeros(2, 2))]
            outcome.storage = StorageFacts(result_is_tensor=True, arg_unchanged=[True])
        outcomes.append(outcome)
    return CaseDone(outcomes=outcomes), encoder.payload()


# replies a worker really sends; fuzzing mutates these (generating them anew each time is slow)
POOL: list[tuple[Any, bytes]] = [
    (Ready(python="3.11.9", torch="2.4.0"), b""),
    (CellDone(index=2, error=ErrorInfo(type="ValueError", classes=["ValueError"], message="bad", line=3)), b""),
    case_done(None),
    case_done(torch.arange(6.0).reshape(2, 3)),
    case_done(torch.tensor([1 + 2j, -1j])),
    case_done(torch.tensor(3.5, dtype=torch.float64), torch.zeros(0, 2, dtype=torch.int64)),
    case_done(torch.tensor([True, False]), torch.ones(2, dtype=torch.bfloat16)),
    case_done({"loss": 0.25, "grads": [torch.ones(3), (1, 2)], 3: "x"}),
    case_done([float("nan"), float("-inf"), 2**70, 1 + 2j, "s", torch.float32]),
    case_done(torch.ones(2, requires_grad=True) * 2, grads=True),
    case_done(torch.nn.Linear(2, 2)),
]


@st.composite
def valid_replies(draw) -> tuple[Any, bytes]:
    if draw(st.booleans()):
        return draw(st.sampled_from(POOL))
    return case_done(*draw(st.lists(python_results, min_size=1, max_size=2)), grads=draw(st.booleans()))


def frame_bytes(header: bytes, payload: bytes) -> bytes:
    return PREFIX.pack(framing.MAGIC, len(header), len(payload)) + header + payload


def _paths(tree: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(tree, dict):
        for key, child in tree.items():
            out += _paths(child, path + (key,))
    elif isinstance(tree, list):
        for index, child in enumerate(tree):
            out += _paths(child, path + (index,))
    return out


def _replace(tree: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    tree[path[0]] = _replace(tree[path[0]], path[1:], new)
    return tree


VALUE_FIELDS = {"result", "args_after", "grads"}


@st.composite
def confused_replies(draw, inside_values: bool) -> bytes:
    """A valid reply with one part replaced by arbitrary JSON (or its tag swapped)."""
    reply, payload = draw(st.sampled_from(POOL))
    tree = json.loads(reply.model_dump_json())
    paths = [p for p in _paths(tree) if inside_values == any(k in VALUE_FIELDS for k in p if isinstance(k, str))]
    if paths:
        path = draw(st.sampled_from(paths))
        replacement = draw(json_values | st.sampled_from(
            ["float", "tensor", "list", "dict", "complex", "generator", "helper", "handle", "nan", "inf", "t0", "t1"]))
        tree = _replace(tree, path, replacement)
        note(f"replaced {path} with {replacement!r}")
    if draw(st.booleans()) and payload:
        payload = draw(st.sampled_from([b"", payload[: len(payload) // 2], payload + b"\x00", b"\x08" + payload[1:]]))
    return frame_bytes(json.dumps(tree).encode(), payload)


@st.composite
def framing_inputs(draw) -> bytes:
    """Everything except malformed Values: random bytes, truncated and oversized frames,
    random JSON headers, and messages whose non-Value fields have the wrong types."""
    kind = draw(st.sampled_from(["random", "magic_then_random", "truncated", "random_json", "confused", "oversized",
                                 "valid", "two_frames"]))
    event(kind)
    if kind == "random":
        return draw(st.binary(max_size=2000))
    if kind == "magic_then_random":
        return framing.MAGIC + draw(st.binary(max_size=2000))
    if kind in ("truncated", "valid", "two_frames"):
        reply, payload = draw(valid_replies() if kind == "valid" else st.sampled_from(POOL))
        frame = encode_frame(reply, payload)
        if kind == "truncated":
            return frame[: draw(st.integers(0, len(frame) - 1))]
        if kind == "two_frames":
            return frame + draw(st.binary(max_size=64))
        return frame
    if kind == "random_json":
        header = json.dumps(draw(json_values)).encode()
        return frame_bytes(header, draw(st.binary(max_size=200)))
    if kind == "confused":
        return draw(confused_replies(inside_values=False))
    header_len = draw(st.integers(0, 2**32 - 1))
    payload_len = draw(st.integers(framing.MAX_PAYLOAD + 1, 2**64 - 1)) if header_len <= framing.MAX_HEADER else \
        draw(st.integers(0, 2**64 - 1))
    return PREFIX.pack(framing.MAGIC, header_len, payload_len) + draw(st.binary(max_size=100))


def _run_one(bucket: str, data: bytes) -> None:
    EXAMPLES[bucket] += 1
    started = time.monotonic()
    outcome = judge_reads(data)
    elapsed = time.monotonic() - started
    SLOWEST[bucket] = max(SLOWEST[bucket], elapsed)
    event(f"ended with {outcome}")
    assert elapsed < 1.5, f"the judge needed {elapsed:.2f} s for {len(data)} bytes"


FUZZ_SETTINGS = settings(max_examples=BUDGET, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ_SETTINGS
@given(framing_inputs())
def _fuzz_framing(data: bytes) -> None:
    _run_one("framing", data)


def test_fuzz_framing_and_message_parsing(record_property):
    EXAMPLES["framing"] = 0
    _fuzz_framing()
    print(f"fuzzed the judge's reading path with {EXAMPLES['framing']} inputs; slowest {SLOWEST['framing']:.3f} s")
    record_property("fuzz_examples", EXAMPLES["framing"])
    assert EXAMPLES["framing"] >= BUDGET


GARBAGE_FLOAT = frame_bytes(
    b'{"kind": "case_done", "outcomes": [{"result": {"t": "float", "v": "garbage"}}]}', b"")


@FUZZ_SETTINGS
@given(st.one_of(confused_replies(inside_values=True), framing_inputs()))
@example(GARBAGE_FLOAT)
def _fuzz_values(data: bytes) -> None:
    _run_one("values", data)


def test_fuzz_values_sent_by_the_worker(record_property):
    EXAMPLES["values"] = 0
    try:
        _fuzz_values()
    finally:
        record_property("fuzz_examples", EXAMPLES["values"])
    print(f"fuzzed the judge's value decoding with {EXAMPLES['values']} inputs; slowest {SLOWEST['values']:.3f} s")
    assert EXAMPLES["values"] >= BUDGET


def test_fuzz_harness_reports_escapes(monkeypatch):
    # the harness itself must be able to fail: an unexpected exception is reported
    reply, payload = case_done(torch.ones(2))
    frame = encode_frame(reply, payload)
    assert judge_reads(frame) == "PeerClosed"  # one good frame, then the worker's end closes
    assert judge_reads(b"") == "PeerClosed"
    assert judge_reads(b"AGF0" + bytes(12)) == "ProtocolError"

    def broken(self, value):
        raise KeyError("a bug in the decoder")

    monkeypatch.setattr(codec.Decoder, "decode", broken)
    with pytest.raises(Escaped, match="KeyError"):
        judge_reads(frame)
