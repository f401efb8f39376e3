"""The production backend: one Docker container per submission.

Each container: no network, a read-only root file system with a size-limited tmpfs for
scratch, memory, process and CPU limits, every capability dropped, no-new-privileges, a
non-root user, and GPUs passed through with device requests when allowed. The judge stays
outside; the worker connects to a Unix socket in a folder mounted into the container (its
only writable mount besides the scratch tmpfs). What the student's code prints goes to the
container log, which Docker caps. Containers are removed when their worker is closed,
when the sandbox closes (also on Ctrl-C), and, if a judge was killed outright, by the next
judge that starts on the machine.

With `host_python = true` (CI, where no base image can be pulled) the image can be empty:
this machine's Python installation and the autograder package are mounted read-only, the
same view the bubblewrap sandbox gives.
"""

from __future__ import annotations

import os
import queue
import shutil
import secrets
import socket
import struct
import sys
import tempfile
import threading
import time
from pathlib import Path

from autograder import __version__
from autograder.config.loader import DATA_ENV
from autograder.config.models import Limits, SandboxConfig
from autograder.protocol import framing
from autograder.sandbox.base import Exit, Sandbox, SandboxError, Worker
from autograder.sandbox.process import pid_alive
from autograder.sandbox.local import READY_SECONDS, SANDBOX_PACKAGE_ROOT, host_view, with_data_dir
from autograder.sandbox.workers import IMPORT_ALLOWANCE_MIB, gib

ROLE_LABEL = "org.autograder.role"
JUDGE_LABEL = "org.autograder.judge"
VERSION_LABEL = "org.autograder.version"
SOCKET_DIR = "/run/autograder"
SOCKET_FOLDER_PREFIX = "autograder-docker-"  # on this machine, below the temporary folder
LOG_BYTES = "1m"


def docker_client():
    try:
        import docker
    except ImportError:
        raise SandboxError("the docker backend needs the docker package: pip install 'autograder[docker]'") from None
    try:
        client = docker.from_env(timeout=60)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - the SDK raises several kinds for an absent daemon
        raise SandboxError(f"Docker is not reachable ({type(exc).__name__}); start the Docker daemon, "
                           "or use --backend local") from None
    return client


def gpus_available(client) -> bool:
    """True when Docker can hand out NVIDIA GPUs (the nvidia runtime or CDI is set up)."""
    info = client.info()
    return "nvidia" in (info.get("Runtimes") or {}) or bool(info.get("CDISpecDirs")) and _has_nvidia_devices()


def _has_nvidia_devices() -> bool:
    return os.path.exists("/dev/nvidiactl")


class DockerSandbox(Sandbox):
    name = "docker"

    def __init__(self, config: SandboxConfig, readonly_dirs: tuple = (), client=None, data_dir: Path | None = None):
        import docker

        self.config = config
        self.client = client or docker_client()
        self.data_dir, self.readonly_dirs = with_data_dir(data_dir, readonly_dirs)
        try:
            self.image = self.client.images.get(config.image)
        except docker.errors.ImageNotFound:
            raise SandboxError(f"the image {config.image} is not on this machine; build it with "
                               f"'docker build -t {config.image} .' (see the Dockerfile)") from None
        self.gpu = self._gpu_policy()
        self.judge_id = f"{socket.gethostname()}:{os.getpid()}"
        self._prestarted: queue.SimpleQueue[DockerWorker] = queue.SimpleQueue()
        self._live: set[DockerWorker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._refills: list[threading.Thread] = []
        remove_orphans(self.client)

    @property
    def isolation(self) -> str:
        gpu = ", GPUs passed through" if self.gpu else ""
        return f"docker container: no network, read-only root, non-root user, no capabilities{gpu}"

    def _gpu_policy(self) -> bool:
        if self.config.gpu == "never":
            return False
        available = gpus_available(self.client)
        if self.config.gpu == "required" and not available:
            raise SandboxError("sandbox.gpu is 'required' but Docker has no GPUs to give (install the NVIDIA "
                               "container toolkit and restart Docker, or set gpu = 'auto')")
        return available

    # -- starting workers -----------------------------------------------------------

    def warm_up(self, limits: Limits) -> None:
        for _ in range(self.config.prestart):
            self._prestarted.put(self._run(limits))

    def spawn(self, limits: Limits) -> "DockerWorker":
        while True:
            try:
                worker = self._prestarted.get_nowait()
            except queue.Empty:
                return self._run(limits)
            if worker.limits == limits and worker.alive():
                # each container serves one submission; start its replacement now
                if self.config.prestart:
                    refill = threading.Thread(target=self._refill, args=(limits,), daemon=True)
                    refill.start()
                    self._refills.append(refill)
                return worker
            worker.close()

    def wait_ready(self, worker: Worker) -> Worker:
        assert isinstance(worker, DockerWorker)
        worker.connect(time.monotonic() + READY_SECONDS)
        return worker

    def _refill(self, limits: Limits) -> None:
        try:
            self._prestarted.put(self._run(limits))
        except SandboxError:
            pass  # closed meanwhile, or Docker refused: the next spawn starts one itself

    def close(self) -> None:
        """Remove every container this judge started (also on Ctrl-C)."""
        self._closed = True
        for refill in self._refills:
            refill.join(timeout=60)
        while True:
            try:
                self._prestarted.get_nowait().close()
            except queue.Empty:
                break
        with self._lock:
            live, self._live = list(self._live), set()
        for worker in live:
            worker.close()
        for container in self.client.containers.list(all=True, filters={"label": f"{JUDGE_LABEL}={self.judge_id}"}):
            try:
                container.remove(force=True)
            except Exception:  # noqa: BLE001
                pass

    def _run(self, limits: Limits) -> "DockerWorker":
        import docker

        # The container's unprivileged user must reach the socket; nobody else may find it,
        # replace it or fill the folder: the folder can be crossed but not listed or
        # written, the name is random, the mount is read-only, and connect() checks that
        # the peer runs in this container.
        folder = tempfile.mkdtemp(prefix=SOCKET_FOLDER_PREFIX)
        os.chmod(folder, 0o711)
        name = f"{secrets.token_hex(16)}.sock"
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(os.path.join(folder, name))
        os.chmod(os.path.join(folder, name), 0o666)
        listener.listen(4)
        python, volumes, environment = self._runtime(limits)
        volumes[folder] = {"bind": SOCKET_DIR, "mode": "ro"}
        device_requests = _gpu_requests() if self.gpu else None
        memory = (limits.memory_mib + IMPORT_ALLOWANCE_MIB) * 2**20
        try:
            container = self.client.containers.run(
                self.config.image,
                entrypoint=[python, "-s", "-m", "autograder.worker"],
                command=["--connect", f"{SOCKET_DIR}/{name}", "--memory-mib", str(limits.memory_mib),
                         "--threads", str(limits.threads)],
                detach=True, network_mode="none", read_only=True, user=self.config.user,
                # no working_dir: Docker would create it over the tmpfs as 0755, owned by root
                tmpfs={"/tmp": f"size={limits.tmp_mib}m,mode=1777"},
                mem_limit=memory, memswap_limit=memory, pids_limit=limits.processes,
                nano_cpus=int(self.config.cpus * 1e9), cap_drop=["ALL"], security_opt=["no-new-privileges"],
                ulimits=[docker.types.Ulimit(name="nofile", soft=limits.open_files, hard=limits.open_files),
                         docker.types.Ulimit(name="fsize", soft=limits.file_mib * 2**20, hard=limits.file_mib * 2**20),
                         docker.types.Ulimit(name="cpu", soft=limits.cpu_seconds, hard=limits.cpu_seconds),
                         docker.types.Ulimit(name="core", soft=0, hard=0)],
                volumes=volumes, environment=environment, device_requests=device_requests,
                log_config=docker.types.LogConfig(type="json-file", config={"max-size": LOG_BYTES, "max-file": "1"}),
                labels={ROLE_LABEL: "worker", JUDGE_LABEL: self.judge_id, VERSION_LABEL: __version__},
                hostname="sandbox", init=True,  # an init process reaps what the notebook orphans
            )
        except Exception as exc:  # noqa: BLE001
            listener.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise SandboxError(f"Docker could not start a container ({exc})") from None
        worker = DockerWorker(limits, container, listener, folder)
        with self._lock:
            self._live = {w for w in self._live if not w.closed}
            self._live.add(worker)
        if self._closed:
            worker.close()
            raise SandboxError("the sandbox was closed")
        return worker

    def _runtime(self, limits: Limits) -> tuple[str, dict, dict]:
        environment = {
            "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": str(limits.threads), "MKL_NUM_THREADS": str(limits.threads),
            "MPLBACKEND": "Agg",
            # ask NVML whether there is a GPU: CUDA itself, once initialised, cannot be forked
            "PYTORCH_NVML_BASED_CUDA_CHECK": "1",
        }
        if not self.config.host_python:
            return "python", {}, environment  # the image names its baked-in data (AUTOGRADER_DATA=/opt/data)
        if self.data_dir is not None:  # mounted from this machine, at the same path
            environment[DATA_ENV] = str(self.data_dir)
        view = host_view(sys.executable, self.readonly_dirs)
        # /sbin stays empty: Docker mounts its init process there
        volumes = {os.path.realpath(target if os.path.isabs(target) else os.path.join("/", target)):
                   {"bind": link, "mode": "ro"} for target, link in view.links if link != "/sbin"}
        for source, dest, optional in view.mounts:
            if optional and not os.path.exists(source):
                continue
            volumes[source] = {"bind": dest, "mode": "ro"}
        environment["PYTHONPATH"] = SANDBOX_PACKAGE_ROOT
        return sys.executable, volumes, environment


class DockerWorker(Worker):
    """A worker in its own container, reached through a Unix socket."""

    def __init__(self, limits: Limits, container, listener: socket.socket, folder: str):
        super().__init__(limits)
        self.container = container
        self.listener = listener
        self.folder = folder
        self.closed = False
        self.ready = None
        self._fds: list[int] = []
        self._log = ""

    def connect(self, deadline: float) -> None:
        self.listener.settimeout(0.25)
        while True:
            try:
                conn, _ = self.listener.accept()
                if _runs_in(conn, self.container.id):
                    break
                conn.close()  # someone else on this machine found the socket
            except socket.timeout:
                if time.monotonic() > deadline or not self.alive():
                    reason = self.output().strip().splitlines()[-3:]
                    self.close()
                    raise SandboxError("the container's worker did not start: " + " | ".join(reason)) from None
        fd = conn.detach()
        self._fds = [fd, os.dup(fd)]
        self._reader = framing.FrameReader(self._fds[0])
        self._write_fd = self._fds[1]
        try:
            reply, _ = self.receive(deadline)
        except (framing.ProtocolError, framing.Timeout):
            self.close()
            raise SandboxError("the container's worker did not introduce itself") from None
        self.ready = reply

    def _state(self) -> dict:
        try:
            self.container.reload()
            return self.container.attrs.get("State", {})
        except Exception:  # noqa: BLE001 - a removed container
            return {}

    def alive(self) -> bool:
        return bool(self._state().get("Running"))

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.05)

    def kill(self) -> None:
        try:
            self.container.kill()
        except Exception:  # noqa: BLE001 - already stopped or removed
            pass

    def exit(self) -> Exit:
        state = self._state()
        code = state.get("ExitCode")
        if state.get("OOMKilled") or self.memory_exceeded:
            return Exit(f"memory limit exceeded ({gib(self.limits.memory_mib)})", code, memory=True)
        if state.get("Running"):
            return Exit("the worker stopped answering", None)
        if code in (137, -9):
            return Exit("killed", code)
        return Exit(f"the notebook's code ended the process (exit status {code})", code)

    def output(self) -> str:
        if not self.closed:
            try:
                raw = self.container.logs(stdout=True, stderr=True)
                self._log = raw.decode("utf-8", "replace")
            except Exception:  # noqa: BLE001
                pass
        cap = self.limits.output_kib * 1024
        text = self._log
        if len(text) > 2 * cap:
            text = f"{text[:cap]}\n[... {len(text) - 2 * cap} bytes of output left out ...]\n{text[-cap:]}"
        return text

    def close(self) -> None:
        if self.closed:
            return
        self.output()
        self.closed = True
        for fd in self._fds:
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.container.remove(force=True)
        except Exception:  # noqa: BLE001
            pass
        self.listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _gpu_requests() -> list | None:
    """All of Docker's GPUs, or those CUDA_VISIBLE_DEVICES names (a Ray task's share of a node)."""
    import docker

    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return [docker.types.DeviceRequest(count=-1, capabilities=[["gpu"]])]
    ids = [d.strip() for d in visible.split(",") if d.strip()]
    return [docker.types.DeviceRequest(device_ids=ids, capabilities=[["gpu"]])] if ids else None


def remove_orphans(client) -> int:
    """Remove worker containers whose judge (on this machine) is gone: a judge killed
    outright cannot clean up after itself."""
    removed = 0
    host = socket.gethostname()
    for container in client.containers.list(all=True, filters={"label": ROLE_LABEL}):
        judge = container.labels.get(JUDGE_LABEL, "")
        name, _, pid = judge.rpartition(":")
        if name != host or (pid.isdigit() and pid_alive(int(pid))):
            continue  # another machine's, or a running judge's
        folder = _socket_folder(container)
        try:
            container.remove(force=True)
            removed += 1
        except Exception:  # noqa: BLE001
            continue
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return removed


def _socket_folder(container) -> str | None:
    """The folder on this machine that held a worker's socket, when it is one of ours."""
    for mount in container.attrs.get("Mounts", []):
        source = mount.get("Source", "")
        if (mount.get("Destination") == SOCKET_DIR and os.path.dirname(source) == tempfile.gettempdir()
                and os.path.basename(source).startswith(SOCKET_FOLDER_PREFIX)):
            return source
    return None



def _runs_in(conn: socket.socket, container_id: str) -> bool:
    """Whether the process at the other end of `conn` runs in the container."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, _uid, _gid = struct.unpack("3i", creds)
    if pid <= 0:  # the peer is in a PID namespace we cannot see into: nothing to compare
        return True
    try:
        with open(f"/proc/{pid}/cgroup") as cgroups:
            return container_id in cgroups.read()
    except OSError:
        return False
