"""Run per-batch functions locally: inline for one worker, else in one process pool per run.

Results come back in submission order (determinism), with at most a few batches in flight
per worker (memory stays flat while the reader streams). The pool is created once and
reused by every stage of a run, so workers start (and import their libraries) once.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["LocalExecutor"]


class LocalExecutor:
    def __init__(self, workers: int, in_flight_per_worker: int = 3):
        self.workers = max(1, workers)
        self.in_flight = self.workers * in_flight_per_worker
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalExecutor":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """func(item) for each item, in the order given."""
        if self.workers == 1:
            for item in items:
                yield func(item)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        pending: deque[Future] = deque()
        for item in items:
            pending.append(self._pool.submit(func, item))
            if len(pending) >= self.in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
