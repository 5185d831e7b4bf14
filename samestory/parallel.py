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


class Workers:
    def __init__(self, count: int, in_flight_per_worker: int = 3):
        self.count = max(1, count)
        self.in_flight = self.count * in_flight_per_worker
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        if self.count == 1:
            for item in items:
                yield func(item)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.count)
        pending: deque[Future] = deque()
        for item in items:
            pending.append(self._pool.submit(func, item))
            if len(pending) >= self.in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def map_ordered(func: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """One-off ordered map (a pool just for this call)."""
    with Workers(workers) as pool:
        yield from pool.map(func, items)
