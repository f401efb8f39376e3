"""Sandbox backends behind one interface (`base.Sandbox`): `local`, `docker` and `portable`.

`local` means bubblewrap (or a plain subprocess with resource limits) on Linux; elsewhere
(Windows, macOS) it means `portable`, the spawned worker of a student's own machine. Each
backend's module is imported only when chosen: `local` and `docker` use Unix-only modules.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import weakref
from pathlib import Path

from autograder.config.models import SandboxConfig
from autograder.sandbox.base import Sandbox, SandboxError


def create_sandbox(config: SandboxConfig, backend: str | None = None, readonly_dirs: tuple[Path, ...] = (),
                   pool: bool = False, data_dir: Path | None = None, hidden: bool = False) -> Sandbox:
    """The configured backend; `pool` asks for one tuned to start many workers (a batch).
    `data_dir` (the course's data sets) is mounted read-only and named to the worker by the
    environment variable AUTOGRADER_DATA; for `hidden` grading the worker sees a copy whose
    held-out test labels are scrambled (see exercises/data.py)."""
    view = held_out_view(data_dir) if hidden else None
    if view is not None:
        data_dir = view / "data"
    chosen = resolved_backend(backend or config.backend)
    if chosen == "local":
        from autograder.sandbox.local import LocalSandbox

        sandbox = LocalSandbox(config.isolation, readonly_dirs, pool=pool, data_dir=data_dir)
    elif chosen == "docker":
        from autograder.sandbox.docker import DockerSandbox

        sandbox = DockerSandbox(config, readonly_dirs, data_dir=data_dir)
    elif chosen == "portable":
        from autograder.sandbox.portable import PortableSandbox

        sandbox = PortableSandbox(data_dir=data_dir)
    else:
        raise SandboxError(f"unknown backend {chosen!r}; use local, docker or portable")
    if view is not None:
        weakref.finalize(sandbox, shutil.rmtree, view, True)
    return sandbox


def resolved_backend(name: str) -> str:
    """The backend that runs for a configured name: `local` is Linux's (bubblewrap, /proc,
    resource limits); on other systems it is `portable`."""
    if name == "local" and not sys.platform.startswith("linux"):
        return "portable"
    return name


def held_out_view(data_dir: Path | None) -> Path | None:
    """A temporary folder holding the worker's view of `data_dir` under `data/`, or None
    where there is no data folder to view."""
    if data_dir is None or not Path(data_dir).is_dir():
        return None
    from autograder.exercises.data import worker_view

    _remove_stale_views()
    root = Path(tempfile.mkdtemp(prefix=VIEW_PREFIX))
    root.chmod(0o755)
    worker_view(Path(data_dir), root / "data")
    return root


VIEW_PREFIX = "autograder-data-"
STALE_SECONDS = 24 * 3600


def _remove_stale_views() -> None:
    """Views left by runs that were killed (no clean-up runs after SIGKILL): a day old is
    older than any grading run."""
    me = os.geteuid() if hasattr(os, "geteuid") else None  # Windows: a user's temp folder is their own
    for folder in Path(tempfile.gettempdir()).glob(VIEW_PREFIX + "*"):
        try:
            status = folder.stat()
            if me in (None, status.st_uid) and time.time() - status.st_mtime > STALE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


__all__ = ["Sandbox", "SandboxError", "create_sandbox", "held_out_view", "resolved_backend"]
