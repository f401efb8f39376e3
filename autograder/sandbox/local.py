"""The embedded default backend: a worker subprocess, inside bubblewrap when possible.

With bubblewrap the worker sees a read-only whitelist of the system (/usr, the Python
installation, the autograder package, data sets), a private size-limited /tmp, no
network, its own PID namespace, and nothing of the course folder: no solutions, hidden
checks or other submissions (the notebook's code arrives over the channel). Without
bubblewrap it is a plain subprocess with resource limits, reported as reduced isolation.
Either way, a judge running as root starts each worker under its own unprivileged user
id, so workers cannot signal each other or the judge, and process limits apply.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import autograder
from autograder.config.loader import DATA_ENV
from autograder.config.models import Limits
from autograder.sandbox import process
from autograder.sandbox.base import Sandbox, SandboxError, Worker, receive_ready
from autograder.sandbox.uids import UidLease, lease_uid
from autograder.sandbox.workers import ForkedWorker, LocalWorker, PipeWorker

PACKAGE_DIR = Path(autograder.__file__).resolve().parent
SANDBOX_PACKAGE_ROOT = "/opt/autograder"
READY_SECONDS = 120
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES = (
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
    "/etc/alternatives", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
)
GPU_DEVICES = ("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset")


@functools.lru_cache(maxsize=1)
def bwrap_usable() -> bool:
    """True when bubblewrap is installed and can create its namespaces here."""
    exe = shutil.which("bwrap")
    if not exe:
        return False
    try:
        probe = subprocess.run(
            [exe, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
            capture_output=True, timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


class LocalSandbox(Sandbox):
    name = "local"

    def __init__(self, isolation: str = "auto", readonly_dirs: tuple[Path, ...] = (), python: str | None = None,
                 pool: bool = False, data_dir: Path | None = None):
        if isolation not in ("auto", "bwrap", "none"):
            raise SandboxError(f"unknown isolation {isolation!r}")
        if isolation == "bwrap" and not bwrap_usable():
            raise SandboxError(
                "sandbox.isolation is 'bwrap' but bubblewrap is not installed or cannot create namespaces "
                "here; install it (apt-get install bubblewrap) or set isolation = 'auto'"
            )
        self.use_bwrap = isolation != "none" and bwrap_usable()
        self.data_dir, readonly_dirs = with_data_dir(data_dir, readonly_dirs)
        self.readonly_dirs = tuple(Path(d) for d in readonly_dirs if Path(d).exists())
        self.python = python or sys.executable
        # A zygote forks workers with torch already imported; it needs bubblewrap and root
        # (each forked worker gets its own user id and its own /tmp mount).
        self.pool = pool and self.use_bwrap and os.geteuid() == 0
        self._zygote: Zygote | None = None
        self._zygote_lock = threading.Lock()
        self._live: set[LocalWorker] = set()

    @property
    def isolation(self) -> str:
        if self.use_bwrap:
            return "bubblewrap sandbox: no network, read-only system, private /tmp, course files hidden"
        as_root = os.geteuid() == 0 and not self._can_drop_privileges()
        who = ", running as root" if as_root else ""
        return (f"reduced isolation: plain subprocess with resource limits{who} "
                "(install bubblewrap for full isolation)")

    @property
    def reduced(self) -> bool:
        return not self.use_bwrap

    def spawn(self, limits: Limits) -> LocalWorker:
        lease = lease_uid() if self._can_drop_privileges() else None
        try:
            worker = self._fork(limits, lease) if self.pool else self._start_process(limits, lease)
        except BaseException:
            if lease is not None:
                lease.release()
            raise
        self._live = {w for w in self._live if not w._closed}
        self._live.add(worker)
        return worker

    def close(self) -> None:
        """Stop every worker still running (an interrupted batch) and the zygote."""
        for worker in list(self._live):
            worker.close()
        self._live.clear()
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

    def warm_up(self, limits: Limits) -> None:
        """Start the zygote now, so that its start-up overlaps other work.

        Call it from the main thread: bubblewrap's --die-with-parent follows the thread
        that started it, and a zygote started by a short-lived thread would die with it.
        """
        if self.pool:
            self._ensure_zygote(limits)

    def _ensure_zygote(self, limits: Limits) -> Zygote:
        with self._zygote_lock:
            if self._zygote is None or not self._zygote.alive():
                self._zygote = Zygote(self, limits)
            return self._zygote

    def _fork(self, limits: Limits, lease: UidLease | None) -> ForkedWorker:
        return self._ensure_zygote(limits).fork(limits, lease)

    def _start_process(self, limits: Limits, lease: UidLease | None) -> PipeWorker:
        drop_uid = lease.uid if lease else None
        workdir = None if self.use_bwrap else _private_dir(drop_uid)
        command = self._command(limits, drop_uid, workdir)
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            popen = subprocess.Popen(
                command, stdin=to_worker_r, stdout=from_worker_w, stderr=err_w,
                env=self._environment(limits, workdir), cwd=workdir or "/",
                start_new_session=True, close_fds=True,
                preexec_fn=functools.partial(_apply_rlimits, limits),
            )
        except OSError as exc:
            for fd in (to_worker_r, to_worker_w, from_worker_r, from_worker_w, err_r, err_w):
                os.close(fd)
            raise SandboxError(f"cannot start the worker: {exc}") from None
        for fd in (to_worker_r, from_worker_w, err_w):
            os.close(fd)
        capture = process.CappedCapture(err_r, limits.output_kib * 1024)
        capture.start()
        return PipeWorker(limits, popen, from_worker_r, to_worker_w, capture, lease, workdir)

    def wait_ready(self, worker: Worker) -> Worker:
        return receive_ready(worker, READY_SECONDS)

    # -- building the command -----------------------------------------------------

    def _can_drop_privileges(self) -> bool:
        """Root can run workers under leased uids, if those can reach Python and the package."""
        if os.geteuid() != 0:
            return False
        return self.use_bwrap or _world_traversable(Path(self.python).resolve().parent, PACKAGE_DIR)

    def _worker_args(self, limits: Limits, drop_uid: int | None, extra: tuple[str, ...] = ()) -> list[str]:
        args = [self.python, "-s", "-m", "autograder.worker",
                "--memory-mib", str(limits.memory_mib), "--threads", str(limits.threads), *extra]
        if drop_uid is not None:
            args += ["--uid", str(drop_uid)]
        return args

    def _command(self, limits: Limits, drop_uid: int | None, workdir: str | None,
                 extra: tuple[str, ...] = ()) -> list[str]:
        worker = self._worker_args(limits, drop_uid, extra)
        if not self.use_bwrap:
            return worker
        return [shutil.which("bwrap") or "bwrap", *self._bwrap_args(limits), "--", *worker]

    def _bwrap_args(self, limits: Limits) -> list[str]:
        args = [
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--hostname", "sandbox",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(limits.tmp_mib * 2**20), "--perms", "1777", "--tmpfs", "/tmp",
            "--perms", "1777", "--dir", "/tmp/work", "--chdir", "/tmp/work",
        ]
        if os.geteuid() != 0:
            args += ["--unshare-user", "--cap-drop", "ALL"]
        view = host_view(self.python, self.readonly_dirs)
        args += [a for target, link in view.links for a in ("--symlink", target, link)]
        binds = [("--ro-bind-try" if optional else "--ro-bind", source, dest) for source, dest, optional in view.mounts]
        binds += [("--dev-bind-try", device, device) for device in _gpu_devices()]
        # bubblewrap creates missing parent folders as 0700, which the unprivileged worker
        # could not traverse: create them first, world-readable.
        for parent in _parents_of(dest for _, _, dest in binds):
            args += ["--perms", "0755", "--dir", parent]
        for flag, source, dest in binds:
            args += [flag, source, dest]
        return args

    def _environment(self, limits: Limits, workdir: str | None) -> dict[str, str]:
        home = "/tmp/work" if self.use_bwrap else workdir
        package_root = SANDBOX_PACKAGE_ROOT if self.use_bwrap else str(PACKAGE_DIR.parent)
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": home, "TMPDIR": home if not self.use_bwrap else "/tmp",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "PYTHONPATH": package_root, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
            "OMP_NUM_THREADS": str(limits.threads), "MKL_NUM_THREADS": str(limits.threads),
            "MPLBACKEND": "Agg",
            # ask NVML whether there is a GPU: CUDA itself, once initialised, cannot be forked
            "PYTORCH_NVML_BASED_CUDA_CHECK": "1",
        }
        for passthrough in ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES"):
            if passthrough in os.environ:
                env[passthrough] = os.environ[passthrough]
        if self.data_dir is not None:
            env[DATA_ENV] = str(self.data_dir)
        return env


def with_data_dir(data_dir: Path | None, readonly_dirs: tuple) -> tuple[Path | None, tuple]:
    """The data folder (absolute) and the read-only mounts with it added."""
    if data_dir is None:
        return None, tuple(readonly_dirs)
    data_dir = Path(data_dir).resolve()
    mounts = tuple(readonly_dirs)
    return data_dir, mounts if any(Path(d).resolve() == data_dir for d in mounts) else mounts + (data_dir,)


@dataclass
class HostView:
    """What a sandbox shows of this machine: symlinks (target, path) and read-only mounts
    (source, destination, optional). Nothing else exists inside."""

    links: list[tuple[str, str]]
    mounts: list[tuple[str, str, bool]]


def host_view(python: str, readonly_dirs: tuple[Path, ...] = ()) -> HostView:
    links, mounts = [], []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            links.append((os.readlink(path), path))
        elif os.path.isdir(path):
            mounts.append((path, path, False))
    mounts += [(path, path, True) for path in ETC_FILES]
    mounts += [(str(path), str(path), False) for path in python_dirs(python)]
    mounts.append((str(PACKAGE_DIR), f"{SANDBOX_PACKAGE_ROOT}/autograder", False))
    mounts += [(str(path), str(path), False) for path in readonly_dirs]
    return HostView(links, mounts)


def python_dirs(python: str) -> list[Path]:
    """The Python installation, the virtual environment and its site-packages."""
    candidates = {Path(sys.prefix), Path(sys.base_prefix), Path(python).resolve().parent.parent}
    candidates |= {Path(p) for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)}
    resolved = sorted({c.resolve() for c in candidates if c.is_dir()})
    kept: list[Path] = []
    for path in resolved:
        if path == Path("/") or path.is_relative_to("/usr") or any(path.is_relative_to(k) for k in kept):
            continue
        kept.append(path)
    return kept


class Zygote:
    """The fork server of a pooled sandbox (see autograder/worker/zygote.py)."""

    def __init__(self, sandbox: LocalSandbox, limits: Limits):
        import socket

        self.sandbox = sandbox
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        err_r, err_w = os.pipe()
        command = sandbox._command(limits, None, None, ("--zygote", "--control-fd", str(theirs.fileno())))
        self.popen = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=err_w, stderr=err_w, pass_fds=(theirs.fileno(),),
            env=sandbox._environment(limits, None), cwd="/", start_new_session=True,
            preexec_fn=functools.partial(_apply_rlimits, limits),
        )
        theirs.close()
        os.close(err_w)
        self.output = process.CappedCapture(err_r, 64 * 1024)
        self.output.start()
        self.control = ours
        self.lock = threading.Lock()
        self._ready = False

    def wait_ready(self) -> None:
        """Wait for the zygote's hello (it imports torch first); raise SandboxError if none comes."""
        with self.lock:
            if self._ready:
                return
            self.control.settimeout(READY_SECONDS)
            try:
                ready = self._receive()
            except (OSError, ValueError):
                ready = {}
            self.control.settimeout(30)
            self._ready = bool(ready.get("ready"))
        if not self._ready:
            self.close()
            raise SandboxError("the zygote did not start: " + " | ".join(self.output.text().splitlines()[-5:]))

    def alive(self) -> bool:
        return self.popen.poll() is None

    def fork(self, limits: Limits, lease: UidLease | None) -> ForkedWorker:
        self.wait_ready()
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        err_r, err_w = os.pipe()
        request = {"op": "fork", "uid": lease.uid if lease else None, "memory_mib": limits.memory_mib,
                   "tmp_mib": limits.tmp_mib}
        import socket

        try:
            with self.lock:
                socket.send_fds(self.control, [json.dumps(request).encode()], [to_worker_r, from_worker_w, err_w])
                reply = self._receive()
        except (OSError, ValueError) as exc:
            for fd in (to_worker_w, from_worker_r, err_r):
                os.close(fd)
            raise SandboxError(f"the zygote did not fork a worker ({exc})") from None
        finally:
            for fd in (to_worker_r, from_worker_w, err_w):
                os.close(fd)
        capture = process.CappedCapture(err_r, limits.output_kib * 1024)
        capture.start()
        return ForkedWorker(limits, self.popen.pid, int(reply["pid"]), from_worker_r, to_worker_w, capture, lease,
                            self)

    def status(self, pid: int) -> tuple[int | None, bool]:
        """(exit status or None, still running) of a forked worker, by its pid in the sandbox."""
        reply = self._ask({"op": "status", "pid": pid})
        return reply.get("status"), bool(reply.get("running"))

    def kill(self, pid: int) -> None:
        """Kill a forked worker's process group; the zygote knows whether that pid is still its child."""
        self._ask({"op": "kill", "pid": pid})

    def _ask(self, request: dict) -> dict:
        try:
            with self.lock:
                self.control.send(json.dumps(request).encode())
                return self._receive()
        except (OSError, ValueError):
            return {}

    def close(self) -> None:
        try:
            self.control.close()
        except OSError:
            pass
        process.kill_tree(self.popen.pid, self.popen.pid)
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def _receive(self) -> dict:
        data = self.control.recv(65536)
        if not data:
            raise OSError("the zygote closed its control socket")
        return json.loads(data)


def _apply_rlimits(limits: Limits) -> None:
    """Runs in the child between fork and exec."""
    def cap(which: int, value: int) -> None:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass

    cap(resource.RLIMIT_CPU, limits.cpu_seconds)
    cap(resource.RLIMIT_NOFILE, limits.open_files)
    cap(resource.RLIMIT_FSIZE, limits.file_mib * 2**20)
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_NPROC, limits.processes)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _private_dir(uid: int | None) -> str:
    path = tempfile.mkdtemp(prefix="autograder-worker-")
    if uid is not None:
        os.chown(path, uid, uid)
    os.chmod(path, 0o700)
    return path


def _world_traversable(*paths: Path) -> bool:
    for path in paths:
        for folder in (path, *path.parents):
            try:
                mode = folder.stat().st_mode
            except OSError:
                return False
            if not mode & stat.S_IXOTH:
                return False
    return True


def _parents_of(paths) -> list[str]:
    parents: set[str] = set()
    for path in paths:
        for parent in Path(path).parents:
            if str(parent) not in ("/", "/dev", "/tmp", "/proc"):
                parents.add(str(parent))
    return sorted(parents, key=lambda p: (p.count("/"), p))


def _gpu_devices() -> list[str]:
    found = [d for d in GPU_DEVICES if os.path.exists(d)]
    found += sorted(str(p) for p in Path("/dev").glob("nvidia[0-9]*"))
    return found
