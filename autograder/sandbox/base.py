"""The interface every sandbox backend offers: start a worker, talk to it, stop it."""

from __future__ import annotations

import abc
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

from pydantic import TypeAdapter

from autograder.config.models import Limits
from autograder.protocol import framing
from autograder.protocol.messages import Ready, Reply
from autograder.sandbox import process

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
    def spawn(self, limits: Limits, slot: int = 0) -> Worker:
        """Begin starting a worker and return at once (its start-up overlaps other work)."""

    @abc.abstractmethod
    def wait_ready(self, worker: Worker) -> Worker:
        """Wait until a spawned worker has introduced itself; raise SandboxError if it cannot."""

    def start(self, limits: Limits, slot: int = 0) -> Worker:
        """Start a worker ready for requests."""
        return self.wait_ready(self.spawn(limits, slot))

    def close(self) -> None:
        """Release resources shared by this sandbox's workers."""


class PipeWorker(Worker):
    """A worker that is a local child process speaking on two pipes."""

    def __init__(self, limits: Limits, popen: subprocess.Popen, read_fd: int, write_fd: int,
                 stderr: process.CappedCapture, drop_uid: int | None = None, workdir: str | None = None):
        super().__init__(limits)
        self.popen = popen
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.stderr = stderr
        self.drop_uid = drop_uid
        self.workdir = workdir
        self.ready: Ready | None = None
        self._stopped = False
        self._reader = framing.FrameReader(read_fd)
        self._write_fd = write_fd
        self._watch = threading.Thread(target=self._watch_memory, daemon=True)
        self._watch.start()

    def _watch_memory(self) -> None:
        """Backstop to the worker's own allocation limit: kill a tree that grows past it.

        The allowance adds what importing torch costs, which the worker's own limit also
        allows for, so that only the student's allocations are measured against the limit.
        """
        limit = (self.limits.memory_mib + 1536) * 2**20
        while not self._stopped and self.popen.poll() is None:
            if process.resident_bytes(process.descendants(self.popen.pid)) > limit:
                self.memory_exceeded = True
                self.kill()
                return
            time.sleep(0.1)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait(self, timeout: float) -> None:
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass

    def kill(self) -> None:
        process.kill_tree(self.popen.pid, self.popen.pid)
        if self.drop_uid is not None:
            process.kill_all_of_uid(self.drop_uid)
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        self._stopped = True
        if self.alive():
            self.kill()
        elif self.drop_uid is not None:
            process.kill_all_of_uid(self.drop_uid)
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.stderr.join(timeout=2)
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def exit(self) -> Exit:
        code = self.popen.poll()
        if self.memory_exceeded:
            return Exit(f"memory limit exceeded ({_gib(self.limits.memory_mib)})", code, memory=True)
        if code is None:
            return Exit("the worker stopped answering", None)
        if code < 0:
            return Exit(_signal_reason(-code, self.limits), code, memory=False)
        return Exit(f"the notebook's code ended the process (exit status {code})", code)

    def output(self) -> str:
        return self.stderr.text()


def _gib(mib: int) -> str:
    return f"{mib / 1024:g} GiB" if mib >= 1024 else f"{mib} MiB"


def _signal_reason(signum: int, limits: Limits) -> str:
    import signal

    names = {
        signal.SIGKILL: "killed",
        signal.SIGXCPU: f"CPU time limit exceeded ({limits.cpu_seconds} s)",
        signal.SIGSEGV: "crashed (segmentation fault)",
        signal.SIGABRT: "crashed (aborted)",
        signal.SIGBUS: "crashed (bus error)",
    }
    return names.get(signum, f"stopped by signal {signum}")
