"""Executors decide where stages run; stages never know which one runs them.

An executor maps a pure function over items (batches of documents, chunks of pairs) and yields
the results in submission order, so outputs do not depend on where or how widely the work ran.
`LocalExecutor` (local.py) is a process pool on this machine, the default.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Protocol, TypeVar

from ..config import RunSettings
from .local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "make_executor"]

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    workers: int  # parallel slots: stages size their chunks by it

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """func(item) for each item, results in submission order, a bounded number in flight."""
        ...

    def __enter__(self) -> "Executor": ...

    def __exit__(self, *exc) -> None: ...


def make_executor(settings: RunSettings) -> Executor:
    """The executor a run's settings ask for."""
    return LocalExecutor(settings.effective_workers)
