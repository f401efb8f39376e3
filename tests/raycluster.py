"""A Ray cluster of two node processes on this machine, for the Ray tests and bench/.

`ray start --head` and one more `ray start --address ...`, each with one CPU, so the
cluster grades two submissions at a time, as `--jobs 2` does. Every process of the
cluster carries its own temporary folder in its command line; stopping it ends those
processes by id (`ray stop` would end every Ray process on the machine).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAY = str(Path(sys.executable).with_name("ray"))
OBJECT_STORE_BYTES = 400 * 2**20  # room for the shipped data sets; the default takes 30 % of memory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalRayCluster:
    def __init__(self, cpus_per_node: int = 1, nodes: int = 2):
        self.cpus = cpus_per_node
        self.nodes = nodes
        # short: Ray's sockets live below it, and a socket path has at most 107 characters
        self.temp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}

    def start(self) -> "LocalRayCluster":
        common = [f"--num-cpus={self.cpus}", f"--object-store-memory={OBJECT_STORE_BYTES}", "--disable-usage-stats"]
        self._ray("start", "--head", f"--port={self.port}", f"--temp-dir={self.temp}", "--include-dashboard=false",
                  *common)
        for _ in range(self.nodes - 1):
            self._ray("start", f"--address={self.address}", *common)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.alive_nodes() < self.nodes:
            time.sleep(0.5)
        assert self.alive_nodes() == self.nodes, "the Ray nodes did not all join"
        return self

    def alive_nodes(self) -> int:
        probe = ("import ray; ray.init(address=%r, logging_level='ERROR'); "
                 "print(sum(n['Alive'] for n in ray.nodes()))" % self.address)
        run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=self.env, timeout=120)
        return int(run.stdout.strip().splitlines()[-1]) if run.returncode == 0 and run.stdout.strip() else 0

    def grading_workers(self) -> list[int]:
        """Ray worker processes running a grading task now (their title names the task)."""
        return [pid for pid, title in _processes() if title.startswith("ray::grade:")]

    def stop(self) -> None:
        """End the cluster's processes and what they started (agents, Ray workers), by id."""
        ours = _with_descendants({pid for pid, command in _processes() if str(self.temp) in command})
        for pid in ours:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in ours):
            time.sleep(0.2)
        for pid in ours:
            _signal(pid, signal.SIGKILL)
        shutil.rmtree(self.temp, ignore_errors=True)

    def _ray(self, *args: str) -> None:
        run = subprocess.run([RAY, *args], capture_output=True, text=True, env=self.env, timeout=180)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]


def _processes() -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        found.append((int(entry.name), command))
    return found


def _with_descendants(roots: set[int]) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, grew = set(roots), True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in found} - found
        found |= children
        grew = bool(children)
    return sorted(found)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except OSError:
        pass
