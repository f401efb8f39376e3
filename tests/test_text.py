"""Text from the worker is scrubbed by the judge before a student may see it."""

from __future__ import annotations

import pytest

from autograder.protocol import values as V
from autograder.protocol.framing import ProtocolError, parse_message
from autograder.protocol.messages import CaseFailed, ErrorInfo
from autograder.protocol.text import short_message, type_name


@pytest.mark.parametrize("text,expected", [
    ("expected 4 dims, got 3", "expected 4 dims, got 3"),
    ("bad input 0.1234 -0.5678 1.0000 2.5000", "bad input ..."),
    ("tensor([[1., 2.], [3., 4.]])", "tensor(...)"),
    ("first line\nsecond line with 1 2 3 4 5", "first line"),
    ("colour \x1b[31mred\x1b[0m", "colour  [31mred [0m"),
    ("LEAK:" + "QUFBQUFB" * 20, "LEAK:QUFBQUFBQUFBQUF..."),
])
def test_messages_lose_inputs_and_control_characters(text, expected):
    assert short_message(text) == expected


def test_messages_are_capped():
    assert len(short_message("word " * 500)) == 300


def test_type_names_keep_their_end_and_lose_odd_characters():
    assert type_name("MyModel") == "MyModel"
    assert type_name("Net\x1b[2J;rm -rf /") == "Net[2Jrm rf "
    long = type_name("LEAK_" + "_".join(["0d1234"] * 40))
    assert long.startswith("...") and len(long) == 32
    assert type_name("") == "object"


def test_a_patched_worker_cannot_skip_the_scrubbing():
    # what a worker whose own scrubbing was replaced would send
    header = ErrorInfo.model_construct(type="ValueError", message="leak 0.1234 0.5678 0.9012 0.3456").model_dump_json()
    parsed = ErrorInfo.model_validate_json(header)
    assert parsed.message == "leak ..."
    failed = CaseFailed.model_validate_json('{"kind": "case_failed", "reason": "crashed", "message": "x\\n1 2 3"}')
    assert failed.message == "x"
    opaque = V.OpaqueV.model_validate_json('{"t": "opaque", "type_name": "A\\u0007", "summary": "tensor([1, 2])"}')
    assert (opaque.type_name, opaque.summary) == ("A", "tensor(...)")


def test_oversized_text_is_still_refused():
    from pydantic import TypeAdapter

    from autograder.protocol.messages import Reply

    with pytest.raises(ProtocolError):
        parse_message(TypeAdapter(Reply), b'{"kind": "case_failed", "reason": "crashed", "message": "' + b"x" * 5000 + b'"}')
