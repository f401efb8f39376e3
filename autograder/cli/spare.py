"""A worker started ahead for the next `check()` in a notebook's kernel.

Starting a worker means importing torch, which takes seconds; the checks themselves take a
fraction of one. A kernel therefore keeps one worker started ahead: the first when
`autograder` is imported in the kernel, the next as soon as a check has printed its report.
By the time the student edits a cell and checks again, that worker has imported torch and
introduced itself, and the check only runs the needed cells and the checks.

A worker serves one check (the notebook's cells run into its namespace), so a spare is
never reused. It is spawned from the kernel's main thread: bubblewrap's --die-with-parent
follows the thread that started it, and the main thread lives as long as the kernel.
Set AUTOGRADER_WARM=0 to start workers only when a check asks for one.
"""

from __future__ import annotations

import atexit
import os
from dataclasses import dataclass
from pathlib import Path

from autograder.config.models import GraderConfig, Limits
from autograder.sandbox import Sandbox, create_sandbox
from autograder.sandbox.base import Worker

WARM_ENV = "AUTOGRADER_WARM"


@dataclass(frozen=True)
class SandboxKey:
    """What makes two checks' sandboxes interchangeable."""

    backend: str | None
    settings: str  # the [sandbox] table, as JSON
    data_dir: str | None


class SpareWorkers:
    """Sandboxes by settings, and at most one worker started ahead."""

    def __init__(self) -> None:
        self._sandboxes: dict[SandboxKey, Sandbox] = {}
        self._spare: tuple[SandboxKey, Limits, Worker] | None = None
        self._last: tuple[SandboxKey, Limits] | None = None
        atexit.register(self.close)

    def __call__(self, config: GraderConfig, backend: str | None, data: Path | None,
                 hidden: bool) -> tuple[Sandbox, Worker]:
        """A sandbox and a worker for one check: the spare when it fits, else a new one."""
        if hidden:  # staff's hidden checks get a fresh data view each time, never a spare
            sandbox = create_sandbox(config.sandbox, backend, data_dir=data, hidden=True)
            return sandbox, sandbox.spawn(config.limits)
        key = SandboxKey(backend, config.sandbox.model_dump_json(), str(data) if data else None)
        sandbox = self._sandbox(key, config, backend, data)
        self._last = (key, config.limits)
        spare, self._spare = self._spare, None
        if spare is not None:
            spare_key, spare_limits, worker = spare
            if spare_key == key and spare_limits == config.limits:
                return sandbox, worker
            worker.close()
        return sandbox, sandbox.spawn(config.limits)

    def start_next(self) -> None:
        """Spawn the worker for the next check, like the last one's (call from the main thread)."""
        if self._spare is not None or self._last is None or not warm_enabled():
            return
        key, limits = self._last
        self._spare = (key, limits, self._sandboxes[key].spawn(limits))

    def start_for(self, config: GraderConfig, data: Path | None) -> None:
        """Spawn a first worker for checks with these settings (the kernel imported autograder)."""
        key = SandboxKey(None, config.sandbox.model_dump_json(), str(data) if data else None)
        self._sandbox(key, config, None, data)
        self._last = (key, config.limits)
        self.start_next()

    def close(self) -> None:
        spare, self._spare = self._spare, None
        if spare is not None:
            spare[2].close()
        for sandbox in self._sandboxes.values():
            sandbox.close()
        self._sandboxes.clear()

    def _sandbox(self, key: SandboxKey, config: GraderConfig, backend: str | None, data: Path | None) -> Sandbox:
        if key not in self._sandboxes:
            self._sandboxes[key] = create_sandbox(config.sandbox, backend, data_dir=data)
        return self._sandboxes[key]


def warm_enabled() -> bool:
    return os.environ.get(WARM_ENV, "1") != "0"
