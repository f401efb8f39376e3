"""Progress of a batch: a live bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class BatchProgress:
    def __init__(self, total: int, skipped: int, stream=None):
        self.total = total
        self.skipped = skipped
        self.done = 0
        self.failures = 0
        self.started = time.monotonic()
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self._bar: Progress | None = None
        self._task = None

    def __enter__(self) -> "BatchProgress":
        if self.skipped:
            self._line(f"{self.skipped} submission(s) unchanged since the last run: kept their results")
        if self.live:
            self._bar = Progress(
                TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                TextColumn("failures: {task.fields[failures]}"), TimeRemainingColumn(),
                console=Console(file=self.stream), transient=False,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("grading", total=self.total, failures=0)
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def advance(self, student: str, outcome: str, failed: bool) -> None:
        self.done += 1
        self.failures += int(failed)
        if self._bar is not None:
            self._bar.update(self._task, advance=1, failures=self.failures)
            return
        self._line(f"[{self.done:>{len(str(self.total))}}/{self.total}] {student}: {outcome} "
                   f"(failures so far: {self.failures}, {self._eta()})")

    def _eta(self) -> str:
        if self.done == 0:
            return "ETA unknown"
        remaining = (time.monotonic() - self.started) / self.done * (self.total - self.done)
        minutes, seconds = divmod(int(remaining), 60)
        return f"ETA {minutes}m{seconds:02d}s"

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)
