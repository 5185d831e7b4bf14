"""Executors decide where stages run; stages never know which one runs them.

An executor maps a pure function over items (batches of documents, chunks of pairs) and yields
the results in submission order, so outputs do not depend on where or how widely the work ran.
`LocalExecutor` (local.py) is a process pool on this machine, the default; `RayExecutor`
(ray_executor.py, optional extra `samestory[ray]`) runs the same functions on a Ray cluster.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Protocol, TypeVar

import numpy as np

from ..config import RunSettings
from ..groupby import GroupJob
from .local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "make_executor"]

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")


class Executor(Protocol):
    workers: int  # parallel slots: stages size their chunks by it

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """func(item) for each item, results in submission order, a bounded number in flight."""
        ...

    def map_with_state(self, factory: Callable[[], S], func: Callable[[S, T], R], items: Iterable[T]) -> Iterator[R]:
        """func(state, item) for each item, in order, where each worker builds `state = factory()`
        once and keeps it (a loaded model); with Ray a worker is an actor, on a GPU if any."""
        ...

    def group_pairs(self, jobs: Iterable[GroupJob]) -> list[np.ndarray]:
        """The group-by-key step: each job's pairs (groupby.group_pairs; order within a job's
        pairs may differ between executors, the pairs do not)."""
        ...

    def __enter__(self) -> "Executor": ...

    def __exit__(self, *exc) -> None: ...


def make_executor(settings: RunSettings) -> Executor:
    """The executor a run's settings ask for."""
    if settings.executor == "ray":
        from .ray_executor import RayExecutor  # Ray itself is imported only when entered

        return RayExecutor(settings.ray_address or None, settings.workers or None)
    return LocalExecutor(settings.effective_workers)
