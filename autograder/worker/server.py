"""The worker's main loop: take the channel, drop privileges, then serve requests.

With `--portable` (the portable sandbox: Windows, macOS, or forced on Linux) the worker uses
nothing Unix-only: no `resource` limits (the judge watches its memory from outside), no
forked checking processes (cases run in this process), no Unix sockets. Unix-only modules are
imported only on the paths that need them, so this module imports anywhere.
"""

from __future__ import annotations

import argparse
import builtins
import os
import platform
import sys

IN_WORKER_ENV = "AUTOGRADER_IN_WORKER"


def main(argv: list[str]) -> int:
    options = _parse(argv)
    if options.zygote:
        from autograder.worker.zygote import run_zygote

        return run_zygote(options.threads, options.control_fd)
    channel_in, channel_out = _connect(options.connect) if options.connect else _take_channel()
    if options.uid is not None:
        _drop_privileges(options.uid)
    import torch  # imported after the channel is safe, so a slow import is ours alone

    torch.set_num_threads(options.threads)
    return introduce_and_serve(channel_in, channel_out, options.memory_mib, portable=options.portable)


def introduce_and_serve(channel_in: int, channel_out: int, memory_mib: int, portable: bool = False) -> int:
    """The part of a worker's life after its process is set up: limits, Ready, serve."""
    os.environ[IN_WORKER_ENV] = "1"
    import torch

    from autograder.protocol import framing
    from autograder.protocol.messages import Ready
    from autograder.worker.session import serve

    if not portable:
        _limit_memory(memory_mib)
    cuda = torch.cuda.is_available()  # through NVML (see the sandbox's environment): CUDA stays untouched
    framing.write_frame(channel_out, Ready(
        python=platform.python_version(), torch=torch.__version__, cuda=cuda,
        device_name=f"cuda ({torch.cuda.device_count()} GPU)" if cuda else "cpu", precision=pin_precision(),
    ))
    serve(framing.FrameReader(channel_in), channel_out, forking=not portable)
    return 0


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m autograder.worker")
    parser.add_argument("--memory-mib", type=int, default=2048)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--uid", type=int, default=None)
    parser.add_argument("--zygote", action="store_true", help="start workers by forking (batch grading)")
    parser.add_argument("--control-fd", type=int, default=3, help="the zygote's control socket")
    parser.add_argument("--connect", help="talk to the judge on this Unix socket instead of stdin/stdout")
    parser.add_argument("--portable", action="store_true",
                        help="use nothing Unix-only: the judge limits time and memory from outside")
    return parser.parse_args(argv)


def _take_channel() -> tuple[int, int]:
    """Move the judge's pipes off fds 0/1 so that prints cannot corrupt the channel."""
    channel_in, channel_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    for fd in (channel_in, channel_out):
        os.set_inheritable(fd, False)
    sys.stdin = open(0, closefd=False)
    return channel_in, channel_out


def _connect(path: str) -> tuple[int, int]:
    """The channel as a Unix socket mounted into a container; stdout goes to stderr (the log)."""
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    channel = sock.detach()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    os.set_inheritable(channel, False)
    sys.stdin = open(0, closefd=False)
    os.chdir(os.environ.get("HOME", "/tmp"))
    return channel, os.dup(channel)


def _drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _limit_memory(memory_mib: int) -> None:
    """Cap the data segment at what the process uses now plus the allowance.

    Importing torch maps hundreds of MiB of writable library data; counting from here
    makes the limit mean "what the student's code may allocate".
    """
    import resource

    in_use = 0
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmData:"):
                    in_use = int(line.split()[1]) * 1024
    except OSError:
        pass
    limit = in_use + memory_mib * 2**20
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ValueError, OSError):
        pass


def fresh_namespace() -> dict:
    return {"__name__": "__main__", "__builtins__": builtins, "display": _display, "get_ipython": _no_ipython}


def _display(*objects, **_kwargs) -> None:
    for obj in objects:
        print(repr(obj))


def _no_ipython():
    return None


def pin_precision() -> str:
    """Full float32 precision and deterministic cuDNN for the notebook and its checks, so
    that results on a GPU compare with the reference's under the usual tolerances (TF32
    matrix products differ from float32 ones around 1e-3). Setting these flags does not
    initialise CUDA. The notebook may change them; the results then say what was set."""
    import torch

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    torch.set_float32_matmul_precision("highest")
    return "full float32 (TF32 off), deterministic cuDNN"
