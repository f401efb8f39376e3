"""The live reference: the solution notebook's code, run in the judge's own process.

Only the cells the graded exercises need are run (the same planning as for students),
with their printed output discarded. The reference never enters a worker.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import threading
import weakref
from pathlib import Path

import torch

from autograder.checks.observed import Observed
from autograder.judge.proxies import ProxyServer
from autograder.notebook.plan import analyse, locate
from autograder.notebook.reading import code_cells, read_notebook
from autograder.probes.errors import describe_exception
from autograder.probes.helpers import HelperModules
from autograder.probes.run import Prober
from autograder.protocol.messages import Step
from autograder.worker.server import fresh_namespace


class ReferenceBroken(Exception):
    """The reference notebook itself fails: an instructor problem."""


class Reference:
    def __init__(self, notebook: Path, artifacts_by_exercise: dict[str, list[str]], threads: int = 1,
                 helpers: HelperModules | None = None):
        self.notebook = notebook
        self.artifacts_by_exercise = artifacts_by_exercise
        self.threads = threads
        self.helpers = helpers or HelperModules()
        self._prober: Prober | None = None
        self._scratch_dir: str | None = None
        self._lock = threading.RLock()  # batch grading prepares checks from several threads

    def prober(self) -> Prober:
        with self._lock:
            if self._prober is None:
                self._prober = Prober(self._run_notebook(), helpers=self.helpers, scratch=self._scratch())
            return self._prober

    def _scratch(self) -> str:
        """Where the inputs of the reference's cases write files (u2.5.q1's picture folders):
        a folder of this reference's own, removed with it, not the judge's /tmp."""
        if self._scratch_dir is None:
            self._scratch_dir = tempfile.mkdtemp(prefix="autograder-reference-")
            weakref.finalize(self, shutil.rmtree, self._scratch_dir, True)
        return self._scratch_dir

    def _run_notebook(self) -> dict:
        cells = [analyse(c) for c in code_cells(read_notebook(self.notebook))]
        needed: set[int] = set()
        for exercise_id, artifacts in self.artifacts_by_exercise.items():
            located = locate(cells, exercise_id, artifacts)
            missing = [a for a, where in located.definitions.items() if where is None]
            if missing:
                raise ReferenceBroken(f"{self.notebook}: no cell defines {', '.join(missing)} ({exercise_id})")
            needed |= located.needed
        namespace = fresh_namespace()
        for position in sorted(needed):
            info = cells[position]
            if info.python is None or info.syntax_error:
                raise ReferenceBroken(f"{self.notebook}: {info.cell.describe()} is not valid Python")
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(info.python, f"<cell {info.cell.number}>", "exec"), namespace)  # noqa: S102
            except Exception as exc:  # noqa: BLE001
                error = describe_exception(exc)
                raise ReferenceBroken(
                    f"{self.notebook}: {info.cell.describe()} raised {error.type}: {error.message}"
                ) from None
        return namespace

    def stand_ins(self, names: list[str]) -> ProxyServer:
        """The reference's functions `names`, for a worker's proxies (see judge/proxies.py)."""
        namespace = self.prober().namespace
        # answered in a process forked per case, never under this reference's lock
        return ProxyServer({n: namespace[n] for n in names if callable(namespace.get(n))}, threads=self.threads)

    def observe(self, steps: list[Step], seed: int, tensors: dict[str, torch.Tensor], key_prefix: str = "") -> Observed:
        with self._lock:
            prober = self.prober()
            previous = torch.get_num_threads()
            torch.set_num_threads(self.threads)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    outcomes, encoder = prober.run_case(steps, seed, tensors, None, key_prefix)
            finally:
                torch.set_num_threads(previous)
        return Observed(outcomes, encoder.tensors)
