"""Sandbox backends behind one interface (`base.Sandbox`): `local`, later `docker`."""

from __future__ import annotations

from pathlib import Path

from autograder.config.models import SandboxConfig
from autograder.sandbox.base import Sandbox, SandboxError


def create_sandbox(config: SandboxConfig, backend: str | None = None, readonly_dirs: tuple[Path, ...] = (),
                   pool: bool = False, data_dir: Path | None = None) -> Sandbox:
    """The configured backend; `pool` asks for one tuned to start many workers (a batch).
    `data_dir` (the course's data sets) is mounted read-only and named to the worker by the
    environment variable AUTOGRADER_DATA."""
    chosen = backend or config.backend
    if chosen == "local":
        from autograder.sandbox.local import LocalSandbox

        return LocalSandbox(config.isolation, readonly_dirs, pool=pool, data_dir=data_dir)
    if chosen == "docker":
        from autograder.sandbox.docker import DockerSandbox

        return DockerSandbox(config, readonly_dirs, data_dir=data_dir)
    raise SandboxError(f"unknown backend {chosen!r}; use local or docker")


__all__ = ["Sandbox", "SandboxError", "create_sandbox"]
