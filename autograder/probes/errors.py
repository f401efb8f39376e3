"""Describe an exception raised by checked code, in terms safe to show a student."""

from __future__ import annotations

from builtins import BaseException, MemoryError, NotImplementedError, RuntimeError, any, isinstance, object, str, type  # noqa: A004
import traceback

from autograder.protocol.messages import ErrorInfo
from autograder.protocol.text import short_message

CELL_PREFIX = "<cell "


class StepTimeout(BaseException):
    """Raised in the checked code when a call or a cell runs past its time limit."""


_MEMORY_PATTERNS = ("can't allocate memory", "not enough memory", "out of memory", "cannot allocate memory")


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
