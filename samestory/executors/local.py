"""Run per-batch functions locally: inline for one worker, else in one process pool per run.

Results come back in submission order (determinism), with at most a few batches in flight
per worker (memory stays flat while the reader streams). The pool is created once and
reused by every stage of a run, so workers start (and import their libraries) once.
"""

from __future__ import annotations

import functools
import pickle
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Iterable, Iterator, TypeVar

import numpy as np

from ..groupby import GroupJob, group_pairs

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

__all__ = ["LocalExecutor"]

# per process: the state each factory built here (map_with_state), keyed by the pickled factory
_STATES: dict[bytes, Any] = {}


def call_with_state(factory: Callable[[], S], func: Callable[[S, T], R], item: T) -> R:
    """func(state, item), with the state this process built from `factory` (built on first use)."""
    key = pickle.dumps(factory)
    if key not in _STATES:
        _STATES[key] = factory()
    return func(_STATES[key], item)


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
        if self.workers == 1:
            _STATES.clear()  # the states were built in this process: they end with the run

    def group_pairs(self, jobs: list[GroupJob]) -> list[np.ndarray]:
        """In this process: the arrays are here already, and shipping them to the pool costs
        about what grouping them does."""
        return group_pairs(jobs)

    def map_with_state(self, factory: Callable[[], S], func: Callable[[S, T], R], items: Iterable[T]) -> Iterator[R]:
        """func(state, item) for each item, in order; each worker process builds `state =
        factory()` once (e.g. loads a model) and keeps it while the executor lives. `factory`
        must be picklable (a module-level function or a functools.partial of one)."""
        return self.map(functools.partial(call_with_state, factory, func), items)

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
