"""The portable backend: a spawned worker process, for a student's machine without a sandbox.

Windows has no bubblewrap, `fork`, `resource` or Unix sockets, and on macOS a process that
forks after torch has loaded Accelerate/OpenMP may crash. There the worker is an ordinary
child process started with `subprocess` (spawned, never forked) that talks to the judge over
its stdin and stdout pipes, in a scratch folder of its own. The judge enforces from outside
what it can:

- time: when a cell or a case overruns, the judge stops waiting and ends the worker and its
  children (where the platform has SIGALRM the worker also stops a step itself);
- memory: the judge samples the resident memory of the worker's process tree ten times a
  second and ends it above the limit (a burst quicker than that can pass unseen);
- not enforced: CPU time, the number of processes, file sizes, network access, and which
  files the code can read or write: it runs with the student's own rights.

It is meant for `autograder check` on the student's own machine, where the code is the
student's own; the TA's `grade` refuses reduced isolation unless told to accept it.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

import autograder
from autograder.config.loader import DATA_ENV
from autograder.config.models import Limits
from autograder.protocol import framing
from autograder.sandbox.base import Exit, Sandbox, SandboxError, Worker, receive_ready
from autograder.sandbox.process import CappedCapture

PACKAGE_ROOT = Path(autograder.__file__).resolve().parent.parent
READY_SECONDS = 120
WATCH_SECONDS = 0.1
# before the worker is ready, importing torch may use this much besides the student's allowance
IMPORT_ALLOWANCE_MIB = 1536
REDUCED = "reduced isolation: no sandbox on this platform; your TA grades in one"
ENFORCED = "limits enforced here: time and memory (not CPU time, processes, files or network)"
# what the worker inherits of this environment: enough to find Python, its DLLs and the GPU
PASSED_ENV = (
    "PATH", "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "NUMBER_OF_PROCESSORS",
    "PROCESSOR_ARCHITECTURE", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES",
    "NVIDIA_VISIBLE_DEVICES", "CUDA_PATH", "CONDA_PREFIX",
)


class PortableSandbox(Sandbox):
    name = "portable"

    def __init__(self, data_dir: Path | None = None, python: str | None = None):
        self.data_dir = Path(data_dir).resolve() if data_dir is not None else None
        self.python = python or sys.executable
        self._live: set[PortableWorker] = set()

    @property
    def isolation(self) -> str:
        return f"{REDUCED} ({ENFORCED})"

    @property
    def reduced(self) -> bool:
        return True

    def spawn(self, limits: Limits) -> PortableWorker:
        workdir = tempfile.mkdtemp(prefix="autograder-worker-")
        command = [self.python, "-s", "-m", "autograder.worker", "--portable", "--threads", str(limits.threads),
                   "--memory-mib", str(limits.memory_mib)]
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            popen = subprocess.Popen(
                command, stdin=to_worker_r, stdout=from_worker_w, stderr=err_w, cwd=workdir,
                env=self._environment(limits, workdir), close_fds=True, **_own_process_group(),
            )
        except OSError as exc:
            for fd in (to_worker_r, to_worker_w, from_worker_r, from_worker_w, err_r, err_w):
                os.close(fd)
            shutil.rmtree(workdir, ignore_errors=True)
            raise SandboxError(f"cannot start the worker: {exc}") from None
        for fd in (to_worker_r, from_worker_w, err_w):
            os.close(fd)
        worker = PortableWorker(limits, popen, from_worker_r, to_worker_w, err_r, workdir)
        self._live = {w for w in self._live if not w.closed}
        self._live.add(worker)
        return worker

    def wait_ready(self, worker: Worker) -> Worker:
        return receive_ready(worker, READY_SECONDS)

    def close(self) -> None:
        for worker in list(self._live):
            worker.close()
        self._live.clear()

    def _environment(self, limits: Limits, workdir: str) -> dict[str, str]:
        env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
        # the package this judge runs, when it is a checkout (an installed one is found anyway, and
        # site-packages must not come before the standard library); a PYTHONPATH still applies
        installed = PACKAGE_ROOT.name in ("site-packages", "dist-packages")
        paths = [*([] if installed else [str(PACKAGE_ROOT)]), *filter(None, [os.environ.get("PYTHONPATH")])]
        env.update({
            "HOME": workdir, "USERPROFILE": workdir, "TMPDIR": workdir, "TEMP": workdir, "TMP": workdir,
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8", "OMP_NUM_THREADS": str(limits.threads),
            "MKL_NUM_THREADS": str(limits.threads), "MPLBACKEND": "Agg",
            # ask NVML whether there is a GPU: CUDA itself stays uninitialised until used
            "PYTORCH_NVML_BASED_CUDA_CHECK": "1",
        })
        if paths:
            env["PYTHONPATH"] = os.pathsep.join(paths)
        if self.data_dir is not None:
            env[DATA_ENV] = str(self.data_dir)
        return env


def _own_process_group() -> dict:
    """A process group of its own, so that the judge's Ctrl+C does not reach the worker first
    and its children can be ended together; on Windows also no console window popping up
    beside a notebook editor."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW}
    return {"start_new_session": True}


class QueuedFrameReader(framing.FrameReader):
    """A FrameReader fed by a thread that reads the pipe: `select` cannot wait on a pipe on
    Windows, a queue can. At most `MAX_CHUNKS` chunks wait, so a flooding worker blocks
    instead of filling the judge's memory."""

    CHUNK = 1 << 20
    MAX_CHUNKS = 64

    def __init__(self, fd: int):
        super().__init__(fd)
        self._chunks: queue.Queue[bytes] = queue.Queue(self.MAX_CHUNKS)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._pump, daemon=True, name="autograder-worker-reader")
        self._thread.start()

    def _pump(self) -> None:
        while not self._closed.is_set():
            try:
                chunk = os.read(self.fd, self.CHUNK)
            except OSError:
                chunk = b""
            while not self._closed.is_set():
                try:
                    self._chunks.put(chunk, timeout=0.2)
                    break
                except queue.Full:
                    continue
            if not chunk:
                return

    def _fill(self, deadline: float | None, wanted: int) -> None:
        timeout = None if deadline is None else deadline - time.monotonic()
        if timeout is not None and timeout <= 0:
            raise framing.Timeout()
        try:
            chunk = self._chunks.get(timeout=timeout)
        except queue.Empty:
            raise framing.Timeout() from None
        if not chunk:
            self._chunks.put(b"")  # the end of the pipe stays the end for the next read
            raise framing.PeerClosed("the other side closed the channel")
        self._buffer += chunk

    def stop(self) -> None:
        self._closed.set()


class PortableWorker(Worker):
    def __init__(self, limits: Limits, popen: subprocess.Popen, read_fd: int, write_fd: int, err_fd: int,
                 workdir: str):
        super().__init__(limits)
        self.popen = popen
        self.workdir = workdir
        self.ready = None
        self.closed = False
        self.killed = False
        self.read_fd = read_fd
        self._write_fd = write_fd
        self._reader = QueuedFrameReader(read_fd)
        self.stderr = CappedCapture(err_fd, limits.output_kib * 1024)
        self.stderr.start()
        self._watch = threading.Thread(target=self._watch_memory, daemon=True, name="autograder-memory-watch")
        self._watch.start()

    def _watch_memory(self) -> None:
        """End the worker when its tree holds more than the limit: counted, once the worker
        is ready, from what it held then (torch and the grader), so that the limit means what
        the student's code may allocate, as the local backend's does."""
        allowance = self.limits.memory_mib * 2**20
        limit = allowance + IMPORT_ALLOWANCE_MIB * 2**20
        counting_from_ready = False
        while not self.closed and self.alive():
            used = tree_resident_bytes(self.popen.pid)
            if self.ready is not None and not counting_from_ready:
                limit, counting_from_ready = used + allowance, True
            if used > limit:
                self.memory_exceeded = True
                self.kill()
                return
            time.sleep(WATCH_SECONDS)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait(self, timeout: float) -> None:
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass

    def kill(self) -> None:
        # only while the process is not yet reaped: after that its pid may belong to another
        if self.popen.poll() is None:
            self.killed = True
            kill_tree(self.popen.pid)
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def exit(self) -> Exit:
        code = self.popen.poll()
        if self.memory_exceeded:
            return Exit(f"memory limit exceeded ({mib_text(self.limits.memory_mib)})", code, memory=True)
        if code is None:
            return Exit("the worker stopped answering", None)
        if self.killed:
            return Exit("killed", code)
        if code < 0:
            return Exit(f"stopped by signal {-code}", code)
        return Exit(f"the notebook's code ended the process (exit status {code})", code)

    def output(self) -> str:
        return self.stderr.text()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.alive():
            self.kill()
        self._reader.stop()
        for fd in (self.read_fd, self._write_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.stderr.join(timeout=2)
        shutil.rmtree(self.workdir, ignore_errors=True)


def tree_resident_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (0 once it is gone)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def kill_tree(pid: int) -> None:
    """End a process and every process below it (children first found, then all at once)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return
    for process in processes:
        try:
            process.kill()
        except psutil.Error:
            continue
    if hasattr(os, "killpg"):  # children that were started after the snapshot, in its group
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def mib_text(mib: int) -> str:
    return f"{mib / 1024:g} GiB" if mib >= 1024 else f"{mib} MiB"
