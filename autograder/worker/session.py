"""Serve the judge's requests: run cells into one namespace, run check steps against it.

Cells run in this (the notebook) process. Checks run in a child forked from it after the
cells: the child starts from the notebook's state, but with none of the threads the cells
started, and whatever a check does to the process stays in the child. A child that
crashes or hangs is replaced for the next case without running the cells again. Cases
name a group: one child serves a group, so an exercise that must not share state with
others gets a group (and a fork) of its own. Requests and replies pass through this process, which
enforces each case's time limit on the child. Where forking is unsafe or impossible (a cell
has initialised CUDA; Windows has no fork; macOS crashes forking after torch loaded
Accelerate/OpenMP; the portable sandbox asks for none), checks run in this process instead.
"""

from __future__ import annotations

from builtins import BaseException, OSError, compile, exec, isinstance, len, range  # noqa: A004
import linecache
from json import loads as _json_loads
import os
import signal
import socket
import sys
import time

import torch
from pydantic import TypeAdapter

from autograder.probes import helpers
from autograder.probes.errors import describe_exception
from autograder.probes.run import Prober, leave_if_forked, time_limit
from autograder.sandbox.process import descendants
from autograder.protocol import codec, framing
from autograder.protocol.messages import (
    Bye, CaseDone, CaseFailed, CellDone, ErrorInfo, LoadModules, ModulesLoaded, ProxyReply, Request, RunCase, RunCell,
)
from autograder.worker import proxies
from autograder.worker.server import fresh_namespace

_REQUEST = TypeAdapter(Request)
CHILD_GRACE_SECONDS = 2.0


def serve(reader: framing.FrameReader, channel_out: int, forking: bool = True) -> None:
    """Answer requests until Bye or the channel closes; `forking=False` runs every case in
    this process (the portable sandbox)."""
    namespace = fresh_namespace()
    owner = os.getpid()
    checker: Checker | None = None
    in_process: Prober | None = None
    trains = False  # a cell mentions an optimizer: checked code will likely build one
    for request, header, payload in _requests(reader):
        if isinstance(request, Bye):
            break
        if isinstance(request, ProxyReply):
            continue  # an answer to a call that gave up waiting: nobody wants it now
        if isinstance(request, LoadModules):
            if checker is not None:
                checker = checker.stop()
            frame = framing.encode_frame(load_modules(request))
        elif isinstance(request, RunCell):
            if checker is not None:
                checker = checker.stop()
            trains = trains or "optim" in request.source
            frame = framing.encode_frame(run_cell(namespace, request, owner))
        elif forking and can_fork():
            if checker is None or checker.group != request.group or not checker.usable:
                if checker is not None:
                    checker.stop()
                if trains:
                    import_optimizer_machinery()
                try:
                    checker = Checker.fork(namespace, request.group, reader.fd, channel_out)
                except OSError:  # no process left to fork (the notebook used them up)
                    checker = None
            if checker is not None:
                frame = checker.forward(request, header, payload, reader, channel_out)
            else:
                in_process = in_process or Prober(namespace)
                frame = framing.encode_frame(*run_case(in_process, request, payload, reader, channel_out))
        else:
            in_process = in_process or Prober(namespace)
            frame = framing.encode_frame(*run_case(in_process, request, payload, reader, channel_out))
        _flush()
        framing.write_all(channel_out, frame)
    if checker is not None:
        checker.stop()


FORK_SAFE = hasattr(os, "fork") and sys.platform != "darwin"


def import_optimizer_machinery() -> None:
    """The first optimizer a process builds imports torch._dynamo (about 2 s). Done here, once,
    before checking processes are forked, every checker inherits it instead of importing it
    under a case's time limit, where an alarm in the middle of the import left the module half
    initialised for the checker's later cases ("partially initialized module 'torch._dynamo'")."""
    if "torch._dynamo" in sys.modules:
        return
    try:
        import torch._dynamo  # noqa: F401
    except Exception:  # noqa: BLE001 - a torch without it: optimizers then need nothing more
        pass


def can_fork() -> bool:
    """Forking a process that initialised CUDA leaves the child unable to use it."""
    return FORK_SAFE and not torch.cuda.is_initialized()


def load_modules(request: LoadModules) -> ModulesLoaded:
    """Install the checks' helper modules (before any cell: checking processes inherit them)."""
    try:
        helpers.install(request.package, request.modules)
    except BaseException as exc:  # noqa: BLE001 - the course's code may raise anything; the judge reports it
        return ModulesLoaded(error=describe_exception(exc), nonce=request.nonce)
    return ModulesLoaded(nonce=request.nonce)


def run_cell(namespace: dict, request: RunCell, owner: int) -> CellDone:
    filename = f"<cell {request.index}>"
    linecache.cache[filename] = (len(request.source), None, request.source.splitlines(True), filename)
    started = time.perf_counter()
    try:
        code = compile(request.source, filename, "exec")
    except SyntaxError as exc:
        return CellDone(index=request.index, nonce=request.nonce, error=ErrorInfo(
            type="SyntaxError", classes=["SyntaxError", "Exception"], message=f"{exc.msg} (line {exc.lineno})",
            line=exc.lineno,
        ))
    error = None
    try:
        with time_limit(request.timeout):
            exec(code, namespace)  # noqa: S102 - this is the worker's job, inside the sandbox
    except BaseException as exc:  # noqa: BLE001 - a cell may raise anything, SystemExit included
        leave_if_forked(owner)
        error = describe_exception(exc)
    leave_if_forked(owner)
    if error is not None:
        _stop_children()
    _reap_strays()
    return CellDone(index=request.index, error=error, seconds=time.perf_counter() - started, nonce=request.nonce)


def _stop_children() -> None:
    """A cell that failed or ran out of time leaves nothing running: processes it forked
    (a fork bomb's survivors) would otherwise compete with the checks for the CPU.
    Children of a cell that succeeded are left alone (a DataLoader's workers)."""
    for _ in range(50):  # a fork bomb refills as it is emptied
        children = [pid for pid in descendants(os.getpid()) if pid != os.getpid()]
        if not children:
            return
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _reap_strays()


def _reap_strays() -> None:
    """Collect children the notebook's code forked and left: as zombies they would use up
    the process limit. (No checking process exists while cells run.)"""
    if not hasattr(os, "WNOHANG"):  # Windows: no zombies to collect
        return
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def run_case(prober: Prober, request: RunCase, payload: bytes, reader: framing.FrameReader,
             out_fd: int) -> tuple[CaseDone, bytes]:
    """Run a case's steps; `reader`/`out_fd` reach the judge, for proxied names' calls."""
    tensors = codec.load_payload(payload, framing.MAX_PAYLOAD)
    channel = proxies.Channel(reader, out_fd, request.nonce, time.monotonic() + request.timeout)
    with proxies.installed(prober.namespace, request.proxies, channel):
        outcomes, encoder = prober.run_case(request.steps, request.seed, tensors, request.timeout)
    return CaseDone(outcomes=outcomes, nonce=request.nonce), encoder.payload()


class Checker:
    """A child process that runs one exercise's cases on a copy of the notebook's state."""

    def __init__(self, pid: int, sock: socket.socket, group: str):
        self.pid = pid
        self.sock = sock
        self.group = group
        self.usable = True
        self.reader = framing.FrameReader(sock.fileno())

    @classmethod
    def fork(cls, namespace: dict, group: str, *judge_fds: int) -> "Checker":
        parent_end, child_end = socket.socketpair()
        _flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            parent_end.close()
            for fd in judge_fds:
                _close_quietly(fd)
            os.setpgid(0, 0)
            _serve_cases(namespace, child_end)
        child_end.close()
        return cls(pid, parent_end, group)

    def forward(self, request: RunCase, header: bytes, payload: bytes, judge: framing.FrameReader,
                judge_out: int) -> bytes:
        """Pass a case to the child; the frame of its reply, or of a CaseFailed. The child's
        proxy calls go to the judge and the judge's answers back to the child on the way."""
        try:
            framing.write_all(self.sock.fileno(), framing.raw_frame(header, payload))
            deadline = time.monotonic() + request.timeout + CHILD_GRACE_SECONDS
            while True:
                reply_header, reply_payload = self.reader.read(deadline)
                if not (request.proxies and _is_proxy_call(reply_header)):
                    return framing.raw_frame(reply_header, reply_payload)
                framing.write_all(judge_out, framing.raw_frame(reply_header, reply_payload))
                answer_header, answer_payload = judge.read(deadline)
                framing.write_all(self.sock.fileno(), framing.raw_frame(answer_header, answer_payload))
        except framing.Timeout:
            self._kill()
            failed = CaseFailed(reason="timeout", message=f"did not finish within {request.timeout:g} s",
                                nonce=request.nonce)
        except (framing.ProtocolError, OSError):
            failed = CaseFailed(reason="crashed", message=self._ended(), nonce=request.nonce)
        return framing.encode_frame(failed)

    def stop(self) -> None:
        self._kill()
        self.sock.close()
        return None

    def _kill(self) -> None:
        self.usable = False
        for target in (-self.pid, self.pid):
            try:
                os.kill(target, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._reap(block=True)

    def _ended(self) -> str:
        self.usable = False
        status = self._reap(block=True)
        self._kill()
        if status is None:
            return "the checking process stopped answering"
        if os.WIFSIGNALED(status):
            signum = os.WTERMSIG(status)
            if signum == signal.SIGXCPU:
                return "CPU time limit exceeded"
            return f"the checking process was killed (signal {signum})"
        return f"the notebook's code ended the checking process (exit status {os.WEXITSTATUS(status)})"

    def _reap(self, block: bool) -> int | None:
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return None
        return status if pid else None


def _serve_cases(namespace: dict, sock: socket.socket) -> None:
    status = 0
    try:
        prober = Prober(namespace)
        reader = framing.FrameReader(sock.fileno())
        for request, _header, payload in _requests(reader):
            if not isinstance(request, RunCase):
                continue
            reply, reply_payload = run_case(prober, request, payload, reader, sock.fileno())
            _flush()
            framing.write_frame(sock.fileno(), reply, reply_payload)
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's loop
        status = 70
    finally:
        _flush()
        os._exit(status)


def _requests(reader: framing.FrameReader):
    """(request, raw header, payload) for each frame, until the other end closes."""
    while True:
        try:
            header, payload = reader.read()
        except framing.PeerClosed:
            return
        yield framing.parse_message(_REQUEST, header), header, payload


def _is_proxy_call(header: bytes) -> bool:
    try:
        return _json_loads(header).get("kind") == "proxy_call"
    except (ValueError, AttributeError, RecursionError):
        return False


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - the student may have replaced the streams
            pass
