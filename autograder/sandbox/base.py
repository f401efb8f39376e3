"""The interface every sandbox backend offers: start a worker, talk to it, stop it."""

from __future__ import annotations

import abc
import time
from dataclasses import dataclass

from pydantic import TypeAdapter

from autograder.config.models import Limits
from autograder.protocol import framing
from autograder.protocol.messages import Ready, Reply

_REPLY = TypeAdapter(Reply)


@dataclass
class Exit:
    """Why a worker is gone, in words for the report."""

    reason: str
    code: int | None = None
    memory: bool = False
    timeout: bool = False


class SandboxError(Exception):
    """The sandbox could not start a worker (a setup problem, not the student's)."""


class Worker(abc.ABC):
    """A running worker process with its request/reply channel."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.memory_exceeded = False
        self._reader: framing.FrameReader | None = None
        self._write_fd: int | None = None

    # -- channel ------------------------------------------------------------------

    def send(self, message, payload: bytes = b"") -> None:
        assert self._write_fd is not None
        try:
            framing.write_frame(self._write_fd, message, payload)
        except (BrokenPipeError, OSError):
            raise framing.PeerClosed("the worker is gone") from None

    def receive(self, deadline: float):
        """Next reply and its payload; raises Timeout, PeerClosed or ProtocolError."""
        assert self._reader is not None
        header, payload = self._reader.read(deadline)
        return framing.parse_message(_REPLY, header), payload

    # -- lifecycle ----------------------------------------------------------------

    @abc.abstractmethod
    def alive(self) -> bool: ...

    @abc.abstractmethod
    def wait(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for the worker to exit by itself."""

    @abc.abstractmethod
    def kill(self) -> None: ...

    @abc.abstractmethod
    def exit(self) -> Exit:
        """Why the worker stopped (call after it stopped or was killed)."""

    @abc.abstractmethod
    def output(self) -> str:
        """What the student's code printed (head and tail, size-capped)."""


class Sandbox(abc.ABC):
    """A backend that runs workers: `local` (bubblewrap or plain) or `docker`."""

    name: str = "sandbox"

    @property
    @abc.abstractmethod
    def isolation(self) -> str:
        """One line for the report header: what this backend isolates."""

    @property
    def reduced(self) -> bool:
        """True when isolation is weaker than the backend's normal guarantees."""
        return False

    @abc.abstractmethod
    def spawn(self, limits: Limits) -> Worker:
        """Begin starting a worker and return at once (its start-up overlaps other work)."""

    @abc.abstractmethod
    def wait_ready(self, worker: Worker) -> Worker:
        """Wait until a spawned worker has introduced itself; raise SandboxError if it cannot."""

    def start(self, limits: Limits) -> Worker:
        """Start a worker ready for requests."""
        return self.wait_ready(self.spawn(limits))

    def warm_up(self, limits: Limits) -> None:
        """Start, in the background, whatever makes the first worker quicker to get."""

    def close(self) -> None:
        """Release resources shared by this sandbox's workers."""


def receive_ready(worker: Worker, seconds: float) -> Worker:
    """Wait for a spawned worker's Ready (kept as `worker.ready`); SandboxError, with the
    last lines it printed, if it exits or stays silent instead."""
    try:
        reply, _ = worker.receive(time.monotonic() + seconds)
    except (framing.ProtocolError, framing.Timeout) as exc:
        worker.close()
        detail = worker.output().strip().splitlines()[-5:]
        raise SandboxError(f"the worker did not start ({type(exc).__name__}): " + " | ".join(detail)) from None
    if not isinstance(reply, Ready):
        worker.close()
        raise SandboxError("the worker did not introduce itself")
    worker.ready = reply
    return worker
