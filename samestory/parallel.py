"""Run a per-batch function locally: inline for one worker, else in a process pool.

Results come back in submission order (determinism), with at most a few batches in
flight per worker (memory stays flat while the reader streams).
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_ordered(func: Callable[[T], R], items: Iterable[T], workers: int, in_flight_per_worker: int = 3) -> Iterator[R]:
    if workers <= 1:
        for item in items:
            yield func(item)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future] = deque()
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) >= workers * in_flight_per_worker:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
