"""Where the submissions of a batch are graded: the seam for other engines.

An executor calls `grade(item)` for every item and yields (item, result) as they finish.
The local executor runs `jobs` gradings at a time on threads (each grading's heavy work
happens in its own sandboxed worker process). An executor for a cluster engine such as
Ray implements the same two methods.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Callable, Iterable, Iterator, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    def run(self, items: Iterable[T], grade: Callable[[T], R]) -> Iterator[tuple[T, R | BaseException]]: ...

    def cancel(self) -> None: ...


class LocalExecutor:
    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self._pool: ThreadPoolExecutor | None = None
        self._pending: set[Future] = set()

    def run(self, items: Iterable[T], grade: Callable[[T], R]) -> Iterator[tuple[T, R | BaseException]]:
        self._pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="grade")
        futures = {self._pool.submit(grade, item): item for item in items}
        self._pending = set(futures)
        try:
            while self._pending:
                done, self._pending = wait(self._pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.cancelled():
                        continue
                    error = future.exception()
                    yield futures[future], (error if error is not None else future.result())
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def cancel(self) -> None:
        for future in self._pending:
            future.cancel()
