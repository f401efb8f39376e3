"""Process-tree helpers for the judge: find, measure and stop a worker and its children.

They read Linux's /proc; on a system without it (the portable backend's Windows and macOS)
a process has no known descendants and importing this module still works."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

PROC = Path("/proc")
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal counts as existing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    if not PROC.is_dir():
        return children
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: the ppid follows the last ')'
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (a snapshot; processes come and go)."""
    tree = _children_map()
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(tree.get(current, ()))
    return found


def resident_bytes(pids: list[int]) -> int:
    """Proportional set size of the processes: pages shared after fork count once in all,
    so a forking program (a DataLoader's workers) is not charged for its parent's memory
    again and again."""
    total = 0
    for pid in pids:
        total += _pss(pid)
    return total


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def kill_tree(pid: int, pgid: int | None = None) -> None:
    """SIGKILL the process group and every descendant that left it."""
    if pgid is not None:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for child in descendants(pid):
        try:
            os.kill(child, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def kill_all_of_uid(uid: int) -> None:
    """Kill every process running as `uid` (used for the leased worker user ids).

    The only way to catch children that escaped their process group with setsid; safe
    because a leased uid belongs to one worker. Repeats until none is left (a process
    may fork while we look).
    """
    if os.getuid() != 0 or uid == 0:
        return
    for _ in range(20):
        found = processes_of_uid(uid)
        if not found:
            return
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.005)


def processes_of_uid(uid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            with open(entry / "status") as status:
                for line in status:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(entry.name))
                        break
        except (OSError, ValueError, IndexError):
            continue
    return found


class CappedCapture(threading.Thread):
    """Drains a pipe on a thread, keeping its head and tail up to `limit` bytes each."""

    def __init__(self, fd: int, limit: int):
        super().__init__(daemon=True)
        self.fd = fd
        self.limit = limit
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def run(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.total += len(chunk)
            room = self.limit - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self.tail += chunk
                if len(self.tail) > self.limit:
                    del self.tail[: len(self.tail) - self.limit]
        try:
            os.close(self.fd)
        except OSError:
            pass

    def text(self) -> str:
        body = bytes(self.head)
        if self.tail:
            skipped = self.total - len(self.head) - len(self.tail)
            if skipped > 0:
                body += f"\n[... {skipped} bytes of output left out ...]\n".encode()
            body += bytes(self.tail)
        return body.decode("utf-8", "replace")


def host_pid_of(inner_pid: int, ancestor: int) -> int | None:
    """The host pid of the process that has pid `inner_pid` in a PID namespace started
    below `ancestor` (read from the NSpid line of /proc/<pid>/status)."""
    for pid in descendants(ancestor):
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("NSpid:"):
                        ids = line.split()[1:]
                        if len(ids) > 1 and int(ids[-1]) == inner_pid:
                            return pid
                        break
        except (OSError, ValueError):
            continue
    return None
