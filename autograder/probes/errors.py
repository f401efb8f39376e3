"""Describe an exception raised by checked code, in terms safe to show a student."""

from __future__ import annotations

from builtins import BaseException, MemoryError, NotImplementedError, RuntimeError, any, isinstance, len, object, str, type  # noqa: A004
import re
import traceback

from autograder.protocol.messages import ErrorInfo

CELL_PREFIX = "<cell "


class StepTimeout(BaseException):
    """Raised in the checked code when a call or a cell runs past its time limit."""


_MEMORY_PATTERNS = ("can't allocate memory", "not enough memory", "out of memory", "cannot allocate memory")
_TENSOR_REPR = re.compile(r"tensor\(\[.*", re.DOTALL)
_LONG_NUMBERS = re.compile(r"(?:[-+]?\d[\d.e+-]*[,\s]+){8,}")


def short_message(text: str, limit: int = 300) -> str:
    """The first line of an error message, without printed tensors or long number lists.

    Error text from a student's function may contain a hidden input (a student who
    raises `ValueError(f"bad {X}")`); printed tensors and runs of numbers are cut out.
    """
    first = text.strip().splitlines()[0] if text.strip() else ""
    first = _TENSOR_REPR.sub("tensor(...)", first)
    first = _LONG_NUMBERS.sub("... ", first)
    return first if len(first) <= limit else first[: limit - 3] + "..."


def classify(exc: BaseException) -> str:
    if isinstance(exc, StepTimeout):
        return "timeout"
    if isinstance(exc, NotImplementedError):
        return "not_implemented"
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, RuntimeError) and any(p in str(exc).lower() for p in _MEMORY_PATTERNS):
        return "memory"
    return "error"


def describe_exception(exc: BaseException) -> ErrorInfo:
    kind = classify(exc)
    try:
        message = short_message(str(exc))
    except BaseException:  # noqa: BLE001 - a student's __str__ may fail
        message = ""
    mro = [c.__name__ for c in type(exc).__mro__ if c is not object][:32]
    return ErrorInfo(kind=kind, type=type(exc).__name__[:200], classes=mro, message=message, line=_cell_line(exc))


def _cell_line(exc: BaseException) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(CELL_PREFIX):
            line = frame.lineno
    return line
