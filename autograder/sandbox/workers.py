"""Handles on local worker processes: a spawned process (`PipeWorker`) or one forked by a
zygote (`ForkedWorker`). Both speak on pipes, have their output captured and capped, and
are watched for memory by the judge."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from typing import Protocol

from autograder.config.models import Limits
from autograder.protocol import framing
from autograder.protocol.messages import Ready
from autograder.sandbox import process
from autograder.sandbox.base import Exit, Worker
from autograder.sandbox.uids import UidLease

# importing torch costs writable memory that the worker's own limit also allows for
IMPORT_ALLOWANCE_MIB = 1536


class LocalWorker(Worker):
    def __init__(self, limits: Limits, read_fd: int, write_fd: int, output: process.CappedCapture,
                 lease: UidLease | None = None):
        super().__init__(limits)
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.stderr = output
        self.lease = lease
        self.drop_uid = lease.uid if lease else None
        self.ready: Ready | None = None
        self._stopped = False
        self._closed = False
        self._reader = framing.FrameReader(read_fd)
        self._write_fd = write_fd
        self._watch = threading.Thread(target=self._watch_memory, daemon=True)
        self._watch.start()

    def pids(self) -> list[int]:
        """Host pids of the worker and every process it started."""
        raise NotImplementedError

    def _watch_memory(self) -> None:
        """Backstop to the worker's own allocation limit: kill a tree that grows past it."""
        limit = (self.limits.memory_mib + IMPORT_ALLOWANCE_MIB) * 2**20
        while not self._stopped and self.alive():
            if process.resident_bytes(self.pids()) > limit:
                self.memory_exceeded = True
                self.kill()
                return
            time.sleep(0.1)

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.02)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stopped = True
        if self.alive():
            self.kill()
        if self.drop_uid is not None:
            process.kill_all_of_uid(self.drop_uid)  # anything that escaped the process group
        if self.lease is not None:
            self.lease.release()
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.stderr.join(timeout=2)

    def exit(self) -> Exit:
        code = self.exit_code()
        if self.memory_exceeded:
            return Exit(f"memory limit exceeded ({gib(self.limits.memory_mib)})", code, memory=True)
        if code is None:
            return Exit("the worker stopped answering", None)
        if code < 0:
            return Exit(signal_reason(-code, self.limits), code)
        return Exit(f"the notebook's code ended the process (exit status {code})", code)

    def exit_code(self) -> int | None:
        """Like Popen.returncode: None while running, -N when killed by signal N."""
        raise NotImplementedError

    def output(self) -> str:
        return self.stderr.text()


class PipeWorker(LocalWorker):
    """A worker started as its own (sandboxed) subprocess."""

    def __init__(self, limits: Limits, popen: subprocess.Popen, read_fd: int, write_fd: int,
                 output: process.CappedCapture, lease: UidLease | None = None, workdir: str | None = None):
        self.popen = popen
        self.workdir = workdir
        super().__init__(limits, read_fd, write_fd, output, lease)

    def pids(self) -> list[int]:
        return process.descendants(self.popen.pid)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def exit_code(self) -> int | None:
        return self.popen.poll()

    def kill(self) -> None:
        # only while the process is not yet reaped: after that its pid may belong to another
        if self.popen.poll() is None:
            process.kill_tree(self.popen.pid, self.popen.pid)
        if self.drop_uid is not None:
            process.kill_all_of_uid(self.drop_uid)
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        super().close()
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


class ZygoteLink(Protocol):
    def status(self, pid: int) -> tuple[int | None, bool]: ...

    def kill(self, pid: int) -> None: ...


class ForkedWorker(LocalWorker):
    """A worker forked by a zygote; `status` asks the zygote about it by its pid there."""

    def __init__(self, limits: Limits, zygote_pid: int, child_pid: int, read_fd: int, write_fd: int,
                 output: process.CappedCapture, lease: UidLease | None, zygote: "ZygoteLink"):
        self.zygote_pid = zygote_pid     # host pid of the zygote's sandbox
        self.child_pid = child_pid       # the worker's pid inside that sandbox
        self._zygote = zygote
        self._host_pid: int | None = None
        self._code: int | None = None
        super().__init__(limits, read_fd, write_fd, output, lease)

    def host_pid(self) -> int | None:
        if self._host_pid is None:
            self._host_pid = process.host_pid_of(self.child_pid, self.zygote_pid)
        return self._host_pid

    def pids(self) -> list[int]:
        host = self.host_pid()
        return process.descendants(host) if host else []

    def alive(self) -> bool:
        if self._code is not None:
            return False
        status, running = self._zygote.status(self.child_pid)
        if status is not None:
            self._code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        return running

    def exit_code(self) -> int | None:
        self.alive()
        return self._code

    def kill(self) -> None:
        self._zygote.kill(self.child_pid)
        if self.drop_uid is not None:
            process.kill_all_of_uid(self.drop_uid)
        self.wait(5)
        if self._code is None:
            self._code = -signal.SIGKILL


def gib(mib: int) -> str:
    return f"{mib / 1024:g} GiB" if mib >= 1024 else f"{mib} MiB"


def signal_reason(signum: int, limits: Limits) -> str:
    names = {
        signal.SIGKILL: "killed",
        signal.SIGXCPU: f"CPU time limit exceeded ({limits.cpu_seconds} s)",
        signal.SIGSEGV: "crashed (segmentation fault)",
        signal.SIGABRT: "crashed (aborted)",
        signal.SIGBUS: "crashed (bus error)",
    }
    return names.get(signum, f"stopped by signal {signum}")
