"""Sandbox backends behind one interface (`base.Sandbox`): `local`, later `docker`."""

from __future__ import annotations

from pathlib import Path

from autograder.config.models import SandboxConfig
from autograder.sandbox.base import Sandbox, SandboxError


def create_sandbox(config: SandboxConfig, backend: str | None = None, readonly_dirs: tuple[Path, ...] = (),
                   pool: bool = False) -> Sandbox:
    """The configured backend; `pool` asks for one tuned to start many workers (a batch)."""
    chosen = backend or config.backend
    if chosen == "local":
        from autograder.sandbox.local import LocalSandbox

        return LocalSandbox(config.isolation, readonly_dirs, pool=pool)
    raise SandboxError(f"the {chosen!r} backend is not available in this version; use --backend local")


__all__ = ["Sandbox", "SandboxError", "create_sandbox"]
