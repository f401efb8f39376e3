"""Text that came from the worker, cut down to what may be shown to a student.

Every string the worker sends (an error message, a type name, a repr) is written by a
process that ran student code, so it may carry a hidden input (`raise ValueError(str(X))`)
or terminal escape sequences. The worker scrubs what it sends, but a patched worker need
not: the protocol models apply these functions again when the judge parses a reply.
"""

from __future__ import annotations

import re

_TENSOR_REPR = re.compile(r"tensor\(\[.*", re.DOTALL)
# three or more numbers in a row: a printed input, not a sentence
_NUMBER_RUNS = re.compile(r"[-+]?\d[\d.e+-]*(?:[,;:\s()\[\]]+[-+]?\d[\d.e+-]*){2,}")
_LONG_TOKENS = re.compile(r"\S{60,}")  # base64, hex dumps, joined number lists
_UNPRINTABLE = re.compile(r"[^\x20-\x7e\u00a0-\uffff]")
_NOT_NAME = re.compile(r"[^\w.<>\[\], ]")


def short_message(text: str, limit: int = 300) -> str:
    """The first line of an error message, without printed tensors, long runs of numbers,
    long unbroken tokens or control characters, at most `limit` characters."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    first = _UNPRINTABLE.sub(" ", first)
    first = _TENSOR_REPR.sub("tensor(...)", first)
    first = _NUMBER_RUNS.sub("...", first)
    first = _LONG_TOKENS.sub(lambda m: m.group()[:20] + "...", first)
    return first if len(first) <= limit else first[: limit - 3] + "..."


def type_name(text: str, limit: int = 32) -> str:
    """A class name as the worker reported it, reduced to the characters a name has and
    shortened (a class can be named after the data it was given)."""
    cleaned = _NOT_NAME.sub("", text)
    if len(cleaned) > limit:
        cleaned = "..." + cleaned[3 - limit:]  # the class's own name is at the end
    return cleaned or "object"
