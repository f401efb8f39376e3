"""A fork server for batch grading: import torch once, fork one worker per submission.

The zygote runs inside the same sandbox a worker would, imports everything a worker needs,
and then waits on its control socket. For each request the judge sends three pipe ends
(the worker's channel in and out, and its output) with SCM_RIGHTS; the zygote forks, and
the child becomes an ordinary worker: its own session and process group, a private
size-limited /tmp (a fresh mount namespace), its own unprivileged user id, its own memory
limit. The zygote never runs student code and never initialises CUDA (a forked child
could not use it). When the zygote ends, bubblewrap ends its PID namespace, and with it
every worker it forked.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import sys

from autograder.sandbox.process import pid_alive

MAX_FDS = 3
CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 0x4000, 1 << 18


def run_zygote(threads: int, control_fd: int) -> int:
    import torch

    import autograder.worker.session  # noqa: F401 - everything a worker imports, imported once

    torch.set_num_threads(threads)
    control = socket.socket(fileno=control_fd)
    statuses: dict[int, int] = {}
    signal.signal(signal.SIGCHLD, lambda *_: _reap(statuses))
    _send(control, {"ready": True})
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(control, 4096, MAX_FDS)
        except InterruptedError:
            continue
        if not message:
            return 0
        request = json.loads(message)
        if request.get("op") == "fork":
            pid = _fork_worker(request, fds, control)
            for fd in fds:
                os.close(fd)
            _send(control, {"pid": pid})
        elif request.get("op") == "status":
            _reap(statuses)
            pid = int(request["pid"])
            _send(control, {"status": statuses.get(pid), "running": pid not in statuses and pid_alive(pid)})
        elif request.get("op") == "kill":
            _kill_group(int(request["pid"]), statuses)
            _send(control, {"done": True})


def _fork_worker(request: dict, fds: list[int], control: socket.socket) -> int:
    pid = os.fork()
    if pid:
        return pid
    try:  # the child: becomes a worker and never returns
        control.close()
        libc = ctypes.CDLL(None, use_errno=True)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        channel_in, channel_out, output = fds
        _private_tmp(libc, int(request["tmp_mib"]))
        os.dup2(output, 2)
        os.dup2(output, 1)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        for fd in (devnull, output):
            os.close(fd)
        os.set_inheritable(channel_in, False)
        os.set_inheritable(channel_out, False)
        sys.stdin = open(0, closefd=False)
        from autograder.worker.server import _drop_privileges, introduce_and_serve

        if request.get("uid") is not None:
            _drop_privileges(int(request["uid"]))
        os._exit(introduce_and_serve(channel_in, channel_out, int(request["memory_mib"])))
    except BaseException:  # noqa: BLE001
        os._exit(70)


def _private_tmp(libc, size_mib: int) -> None:
    """A scratch folder of its own, size-capped, with the rest of /tmp read-only: other
    submissions' files are out of reach. (/tmp itself is not replaced: the Python
    installation may be mounted below it.)"""
    scratch = b"/tmp/work"
    if libc.unshare(CLONE_NEWNS) == 0:
        libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
        options = f"size={size_mib}m,mode=1777".encode()
        if libc.mount(b"tmpfs", scratch, b"tmpfs", 0, options) == 0:
            libc.mount(None, b"/tmp", None, MS_REMOUNT | MS_BIND | MS_RDONLY, None)
    os.chdir(scratch.decode())
    os.environ["HOME"] = os.environ["TMPDIR"] = scratch.decode()
    import tempfile

    tempfile.tempdir = None


def _kill_group(pid: int, statuses: dict[int, int]) -> None:
    """Kill a worker and its process group, unless it was already reaped (its pid is free)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    try:
        if pid not in statuses:
            for target in (-pid, pid):
                try:
                    os.kill(target, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})


def _reap(statuses: dict[int, int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        statuses[pid] = status



def _send(control: socket.socket, message: dict) -> None:
    control.send(json.dumps(message).encode())
