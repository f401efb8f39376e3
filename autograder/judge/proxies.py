"""The judge's side of dependency-isolating credit: answer a case's proxy calls with the
course's own functions, in a process of their own.

When an exercise's code calls an earlier artifact that lost points (a training loop that
uses the student's cost function), the exercise's failed checks are run again with that
name replaced in the worker by a proxy (worker/proxies.py). Each call arrives here as
inert data, and is answered by a *proxy host*: a child forked from the judge for the one
case, which holds the course's functions (the fork's copy) and nothing else the judge
does. The host

- refuses arguments outside the envelope of the case's own inputs (`Envelope`): no tensor
  larger than the case's largest input allows, and no dtype the case does not use besides
  the common ones (what arguments of a legal size compute together, a broadcast of an
  (N, 1) and a (1, N) tensor say, is bounded by the host's memory and time limits instead:
  refusing every pair that could broadcast refused legal calls, such as X (N, 1) with Y (N,));
- runs under a memory limit of its own and is killed when the case's time runs out, so a
  call can neither hold the judge past the case's limit nor grow the judge's memory;
- shares no lock with the judge: other students' checks never wait on it.

Only the result (tensors, numbers) goes back, through the same validated frames as any
message, never pickle. The course's code never travels, and when it fails the worker gets
a fixed sentence, never the reference's error text. Backward calls recompute the function
with autograd and return the input gradients for the worker's upstream gradients.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from pydantic import TypeAdapter

from autograder.protocol import codec, framing
from autograder.protocol.messages import ProxyCall, ProxyReply

MAX_CALLS = 200_000  # per regrade: a loop of proxied calls cannot keep the judge busy forever
KEPT_CALLS = 64      # calls whose inputs are kept for a backward pass
MEMORY_MIB = 1024    # what the course's function may allocate for one case
MIN_ELEMENTS = 4096  # a case with small (or no) tensor inputs may still pass small tensors
SLACK = 4            # an argument may be this many times the case's largest input
MAX_RESULT_BYTES = 64 * 2**20
COMMON_DTYPES = frozenset({torch.float32, torch.float64, torch.int64, torch.int32, torch.bool, torch.uint8})

_CALL = TypeAdapter(ProxyCall)
_REPLY = TypeAdapter(ProxyReply)


@dataclass(frozen=True)
class Envelope:
    """What a proxied call's arguments may be, from the inputs of the case being graded:
    each tensor at most `max_elements`, and dtypes among `dtypes`."""

    max_elements: int = MIN_ELEMENTS
    dtypes: frozenset[torch.dtype] = field(default=COMMON_DTYPES)

    @classmethod
    def of_inputs(cls, tensors: list[torch.Tensor]) -> "Envelope":
        largest = max((t.numel() for t in tensors), default=0)
        return cls(max(MIN_ELEMENTS, SLACK * largest), COMMON_DTYPES | {t.dtype for t in tensors})

    def refusal(self, args: list[Any]) -> str | None:
        """Why these arguments are refused, or None."""
        tensors = [a for a in _flatten(args) if isinstance(a, torch.Tensor)]
        for tensor in tensors:
            if tensor.dtype not in self.dtypes:
                return f"a {str(tensor.dtype).removeprefix('torch.')} tensor, a dtype this check's inputs do not have"
            if tensor.numel() > self.max_elements:
                return "a tensor larger than this check's inputs allow"
        return None


class ProxyServer:
    """The course's functions `functions` for the proxies of one regrade. `begin` starts a
    case (with the envelope of its inputs), `answer` answers one call, `end` kills the
    case's host; `calls` counts the calls answered over the whole regrade."""

    def __init__(self, functions: dict[str, Callable[..., Any]], threads: int = 1, memory_mib: int = MEMORY_MIB):
        self.functions = functions
        self.threads = threads
        self.memory_mib = memory_mib
        self.calls = 0
        self.envelope = Envelope()
        self._host: _Host | None = None

    @property
    def names(self) -> list[str]:
        return sorted(self.functions)

    def begin(self, envelope: Envelope) -> None:
        self.end()
        self.envelope = envelope

    def answer(self, call: ProxyCall, payload: bytes, deadline: float | None = None) -> tuple[ProxyReply, bytes]:
        self.calls += 1
        if self.calls > MAX_CALLS:
            return refuse(call, f"more than {MAX_CALLS} calls of the course's functions in one check")
        if call.name not in self.functions:
            return refuse(call, f"{call.name} is not a function the grader stands in for")
        deadline = deadline if deadline is not None else time.monotonic() + 60
        if not hasattr(os, "fork"):  # Windows: proxies need a POSIX judge, as hidden grading has
            return refuse(call, f"the course's {call.name} cannot be computed on this system")
        try:
            if self._host is None:
                self._host = _Host.fork(self.functions, self.envelope, self.threads, self.memory_mib)
            return self._host.ask(call, payload, deadline)
        except framing.Timeout:
            self.end()
            return refuse(call, f"the course's {call.name} did not finish in the time left for this check")
        except (framing.ProtocolError, OSError):
            self.end()
            return refuse(call, f"the course's {call.name} could not be computed for these arguments "
                                "(it ran out of memory)")

    def end(self) -> None:
        if self._host is not None:
            self._host.kill()
            self._host = None


def refuse(call: ProxyCall, why: str) -> tuple[ProxyReply, bytes]:
    return ProxyReply(call=call.call, error=why, nonce=call.nonce), codec.Encoder().payload()


class _Host:
    """A child forked from the judge that answers one case's calls over a socket."""

    def __init__(self, pid: int, sock: socket.socket):
        self.pid = pid
        self.sock = sock
        self.reader = framing.FrameReader(sock.fileno(), max_payload=MAX_RESULT_BYTES + 2**20)

    @classmethod
    def fork(cls, functions: dict[str, Callable[..., Any]], envelope: Envelope, threads: int,
             memory_mib: int) -> "_Host":
        parent_end, child_end = socket.socketpair()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        pid = os.fork()
        if pid == 0:  # the host: never returns
            status = 0
            try:
                parent_end.close()
                _keep_only(child_end.fileno())
                _limit(memory_mib)
                torch.set_num_threads(threads)
                _serve(child_end, _Answerer(functions, envelope))
            except BaseException:  # noqa: BLE001 - the host must never return into the judge's code
                status = 70
            finally:
                os._exit(status)
        child_end.close()
        return cls(pid, parent_end)

    def ask(self, call: ProxyCall, payload: bytes, deadline: float) -> tuple[ProxyReply, bytes]:
        framing.write_frame(self.sock.fileno(), call, payload)
        header, reply_payload = self.reader.read(deadline)
        reply = framing.parse_message(_REPLY, header)
        if reply.call != call.call or reply.nonce != call.nonce:
            raise framing.ProtocolError("the proxy host answered another call")
        return reply, reply_payload

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.sock.close()


def _keep_only(fd: int) -> None:
    """The host needs its socket and standard streams; other students' channels stay with
    the judge (a host holding a worker's pipe open would hide that worker's exit)."""
    for other in _open_fds():
        if other not in (fd, 0, 1, 2):
            with contextlib.suppress(OSError):
                os.close(other)


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 1024))


def _limit(memory_mib: int) -> None:
    """Cap what the host may allocate, counted from what the judge's copy already uses."""
    import resource  # issue 17: here, so that the judge's modules import on Windows (no proxies there)

    in_use = 0
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmData:"):
                in_use = int(line.split()[1]) * 1024
    limit = in_use + memory_mib * 2**20
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _serve(sock: socket.socket, answerer: "_Answerer") -> None:
    reader = framing.FrameReader(sock.fileno())
    while True:
        try:
            header, payload = reader.read()
        except framing.PeerClosed:
            return
        call = framing.parse_message(_CALL, header)
        try:
            reply, reply_payload = answerer.answer(call, payload)
        except MemoryError:
            reply, reply_payload = refuse(call, f"the course's {call.name} ran out of memory for these arguments")
        framing.write_frame(sock.fileno(), reply, reply_payload)


class _Answerer:
    """Decodes a call as inert data, checks it against the envelope, and runs the course's
    function: what the host does for each call (and tests call directly)."""

    def __init__(self, functions: dict[str, Callable[..., Any]], envelope: Envelope):
        self.functions = functions
        self.envelope = envelope
        self._kept: OrderedDict[int, tuple[str, tuple, dict]] = OrderedDict()

    def answer(self, call: ProxyCall, payload: bytes) -> tuple[ProxyReply, bytes]:
        if call.name not in self.functions:
            return refuse(call, f"{call.name} is not a function the grader stands in for")
        try:
            tensors = codec.load_payload(payload, framing.MAX_PAYLOAD)
            decoder = codec.Decoder(tensors, trusted=False)
            args = tuple(_live(decoder.decode(a)) for a in call.args)
            kwargs = {k: _live(decoder.decode(v)) for k, v in call.kwargs.items()}
        except (codec.DecodeError, ValueError):
            return refuse(call, f"the arguments of {call.name} could not be read")
        if call.backward_of is not None:
            return self._backward(call, args)
        why = self.envelope.refusal([*args, *kwargs.values()])
        if why is not None:
            return refuse(call, f"the grader does not compute the course's {call.name} for {why}")
        try:
            result = _quietly(self.functions[call.name], args, kwargs)
        except Exception:  # noqa: BLE001 - the reference's error text must not reach the worker
            return refuse(call, f"the course's {call.name} could not be computed for these arguments")
        self._keep(call.call, call.name, args, kwargs)
        return _reply(call, lambda encoder: {"result": encoder.encode(_detached(result))})

    def _backward(self, call: ProxyCall, upstream: tuple) -> tuple[ProxyReply, bytes]:
        kept = self._kept.pop(call.backward_of, None)
        if kept is None or kept[0] != call.name:
            return refuse(call, f"the gradient of {call.name} was asked for a call the grader no longer holds")
        name, args, kwargs = kept
        try:
            grads = _input_grads(self.functions[name], args, kwargs, upstream)
        except Exception:  # noqa: BLE001
            return refuse(call, f"the gradient of the course's {name} could not be computed for these arguments")
        return _reply(call, lambda encoder: {"grads": [encoder.encode(g) if g is not None else None for g in grads]})

    def _keep(self, number: int, name: str, args: tuple, kwargs: dict) -> None:
        if any(isinstance(a, torch.Tensor) and a.is_floating_point() for a in args):
            self._kept[number] = (name, args, kwargs)
            while len(self._kept) > KEPT_CALLS:
                self._kept.popitem(last=False)


def _reply(call: ProxyCall, fields: Callable[[codec.Encoder], dict]) -> tuple[ProxyReply, bytes]:
    encoder = codec.Encoder(max_bytes=MAX_RESULT_BYTES)
    try:
        reply = ProxyReply(call=call.call, nonce=call.nonce, **fields(encoder))
    except codec.EncodeError:
        return refuse(call, f"the course's {call.name} gave a result larger than the grader sends back "
                            f"({MAX_RESULT_BYTES >> 20} MiB)")
    return reply, encoder.payload()


def _flatten(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for value in values:
        if isinstance(value, (list, tuple)):
            flat += _flatten(list(value))
        elif isinstance(value, dict):
            flat += _flatten(list(value.values()))
        else:
            flat.append(torch.from_numpy(value) if _is_numpy(value) else value)
    return flat


def _is_numpy(value: Any) -> bool:
    return type(value).__module__ == "numpy" and hasattr(value, "dtype") and hasattr(value, "shape")


def _live(value: Any) -> Any:
    """Inert worker data as ordinary values the reference can take."""
    if isinstance(value, codec.TensorData):
        if value.is_numpy:
            return value.data.clone().numpy()
        return value.data.clone()
    if isinstance(value, (codec.Opaque, codec.Handle)):
        raise ValueError("an object the grader cannot rebuild")
    if isinstance(value, list):
        return [_live(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_live(v) for v in value)
    if isinstance(value, dict):
        return {k: _live(v) for k, v in value.items()}
    return value


def _detached(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, (list, tuple)):
        return type(value)(_detached(v) for v in value)
    return value


def _quietly(function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args, **kwargs)


def _input_grads(function: Callable[..., Any], args: tuple, kwargs: dict, upstream: tuple) -> list:
    leaves = [a.detach().clone().requires_grad_(True) if isinstance(a, torch.Tensor) and a.is_floating_point() else a
              for a in args]
    with contextlib.redirect_stdout(io.StringIO()), torch.enable_grad():
        result = function(*leaves, **kwargs)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    pairs = [(o, g) for o, g in zip(outputs, upstream) if isinstance(o, torch.Tensor) and o.requires_grad]
    wanted = [leaf for leaf in leaves if isinstance(leaf, torch.Tensor) and leaf.requires_grad]
    if not pairs or not wanted:
        return [None] * len(args)
    found = iter(torch.autograd.grad([o for o, _ in pairs], wanted,
                                     [g.to(o.dtype).expand_as(o) for o, g in pairs], allow_unused=True))
    return [next(found) if isinstance(leaf, torch.Tensor) and leaf.requires_grad else None for leaf in leaves]
