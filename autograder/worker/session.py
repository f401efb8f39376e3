"""Serve the judge's requests: run cells into one namespace, run check steps against it."""

from __future__ import annotations

import linecache
import sys
import time

from pydantic import TypeAdapter

from autograder.probes.errors import describe_exception
from autograder.probes.run import Prober, time_limit
from autograder.protocol import codec, framing
from autograder.protocol.messages import (
    Bye, CaseDone, CellDone, ErrorInfo, Request, RunCase, RunCell,
)
from autograder.worker.server import fresh_namespace

_REQUEST = TypeAdapter(Request)


def serve(reader: framing.FrameReader, channel_out: int) -> None:
    namespace = fresh_namespace()
    prober = Prober(namespace)
    while True:
        try:
            header, payload = reader.read()
        except framing.PeerClosed:
            return
        request = framing.parse_message(_REQUEST, header)
        if isinstance(request, Bye):
            return
        if isinstance(request, RunCell):
            reply, reply_payload = run_cell(namespace, request), b""
        elif isinstance(request, RunCase):
            reply, reply_payload = run_case(prober, request, payload)
        _flush()
        framing.write_frame(channel_out, reply, reply_payload)


def run_cell(namespace: dict, request: RunCell) -> CellDone:
    filename = f"<cell {request.index}>"
    linecache.cache[filename] = (len(request.source), None, request.source.splitlines(True), filename)
    started = time.perf_counter()
    try:
        code = compile(request.source, filename, "exec")
    except SyntaxError as exc:
        return CellDone(index=request.index, error=ErrorInfo(
            type="SyntaxError", classes=["SyntaxError", "Exception"], message=f"{exc.msg} (line {exc.lineno})",
            line=exc.lineno,
        ))
    error = None
    try:
        with time_limit(request.timeout):
            exec(code, namespace)  # noqa: S102 - this is the worker's job, inside the sandbox
    except BaseException as exc:  # noqa: BLE001 - a cell may raise anything, SystemExit included
        error = describe_exception(exc)
    return CellDone(index=request.index, error=error, seconds=time.perf_counter() - started)


def run_case(prober: Prober, request: RunCase, payload: bytes) -> tuple[CaseDone, bytes]:
    tensors = codec.load_payload(payload, framing.MAX_PAYLOAD)
    outcomes, encoder = prober.run_case(request.steps, request.seed, tensors, request.timeout)
    return CaseDone(outcomes=outcomes), encoder.payload()


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - the student may have replaced the streams
            pass
