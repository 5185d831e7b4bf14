"""Run per-batch functions locally: inline for one worker, else in one process pool per run.

Results come back in submission order (determinism), with at most a few batches in flight
per worker (memory stays flat while the reader streams). The pool is created once and
reused by every stage of a run, so workers start (and import their libraries) once.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator, TypeVar

import numpy as np

from ..groupby import GroupJob, group_pairs

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

__all__ = ["LocalExecutor", "WorkerDiedError"]

log = logging.getLogger("samestory")


class WorkerDiedError(RuntimeError):
    """A worker process died twice on the same work (one-line message: how it died)."""

# per process: the state each factory built here (map_with_state), keyed by the pickled factory
_STATES: dict[bytes, Any] = {}


def call_with_state(factory: Callable[[], S], func: Callable[[S, T], R], item: T) -> R:
    """func(state, item), with the state this process built from `factory` (built on first use)."""
    key = pickle.dumps(factory)
    if key not in _STATES:
        _STATES[key] = factory()
    return func(_STATES[key], item)

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
#: How often a worker checks that the process that started it is still there.
PARENT_POLL_SECONDS = 0.5


_HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C/SIGTERM while the pool forks its workers: a worker forked with the parent's
    handlers would raise in its bootstrap (a traceback) if a signal came before its initializer
    ran. Held signals reach the main process right after."""
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


def _die_with_parent(parent: int) -> None:
    """Pool initializer: a worker never outlives the run, whatever ends the main process.

    The kernel's parent-death signal (Linux) kills the worker the moment the main process
    dies, even by kill -9; a watcher thread does the same elsewhere, within PARENT_POLL_SECONDS.
    Ctrl-C reaches every process of the terminal's group: workers ignore it (and SIGTERM) and
    leave the main process to end the run, so the user sees one line, not a traceback each.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # held by the parent while it forked us
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watcher alone
        pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="samestory-parent-watch", daemon=True).start()


class LocalExecutor:
    def __init__(self, workers: int, in_flight_per_worker: int = 3):
        self.workers = max(1, workers)
        self.in_flight = self.workers * in_flight_per_worker
        self._pool: ProcessPoolExecutor | None = None
        self._started = False
        self._children: list[multiprocessing.process.BaseProcess] = []  # this pool's workers
        self._death = "it ended without a word"  # how the last broken pool's worker died

    def __enter__(self) -> "LocalExecutor":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.workers == 1:
            _STATES.clear()  # the states were built in this process: they end with the run
        if self._pool is None:
            return
        if exc_type is not None:
            # interrupted or failed: stop the workers now rather than wait for their batches
            for child in self._children:  # only ours: a program calling run() may have its own
                if child.is_alive():
                    child.kill()
            # then wait for the pool's manager thread, which ends at once with its workers gone:
            # left running, it races the interpreter's exit hook that wakes it (concurrent.futures
            # writes to a pipe the thread is closing: "Bad file descriptor" traceback at exit)
            self._pool.shutdown(wait=True, cancel_futures=True)
        else:
            self._pool.shutdown(cancel_futures=True)
        self._pool = None

    def group_pairs(self, jobs: Iterable[GroupJob]) -> list[np.ndarray]:
        """In this process: the arrays are here already, and shipping them to the pool costs
        about what grouping them does."""
        return group_pairs(jobs)

    def map_with_state(self, factory: Callable[[], S], func: Callable[[S, T], R], items: Iterable[T]) -> Iterator[R]:
        """func(state, item) for each item, in order; each worker process builds `state =
        factory()` once (e.g. loads a model) and keeps it while the executor lives. `factory`
        must be picklable (a module-level function or a functools.partial of one)."""
        return self.map(functools.partial(call_with_state, factory, func), items)

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """func(item) for each item, in the order given. A worker that dies (the out-of-memory
        killer, kill -9) breaks the pool: a new pool runs the unfinished items again, once;
        should an item meet a broken pool twice, WorkerDiedError says how the worker died."""
        if self.workers == 1:
            for item in items:
                yield func(item)
            return
        pending: deque[list] = deque()  # [item, future, retried]: the item is kept to run it again
        for item in items:
            pending.append([item, self._submit(func, item), False])
            if len(pending) >= self.in_flight:
                yield self._next_result(func, pending)
        while pending:
            yield self._next_result(func, pending)

    def _submit(self, func: Callable[[T], R], item: T) -> Future:
        if self._pool is not None and getattr(self._pool, "_broken", False):
            self._restart()  # a worker died while none of our items was waiting for it
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, initializer=_die_with_parent, initargs=(os.getpid(),)
            )
            self._started = False
        if self._started:
            return self._pool.submit(func, item)
        before = set(multiprocessing.active_children())  # the first submit forks the workers
        with _signals_held():
            future = self._pool.submit(func, item)
        self._children = [p for p in multiprocessing.active_children() if p not in before]
        self._started = True
        return future

    def _restart(self) -> None:
        """Drop a broken pool (its workers are dead or terminated); the next submit starts anew."""
        self._death = self._how_workers_died()
        log.warning("a worker process died (%s); its work is retried in new worker processes", self._death)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def _next_result(self, func: Callable[[T], R], pending: deque[list]) -> R:
        """The oldest item's result; after a worker's death, the unfinished items go again once."""
        while True:
            entry = pending[0]
            try:
                result = entry[1].result()
            except BrokenProcessPool:
                if entry[2]:
                    broken_now = self._pool is not None and getattr(self._pool, "_broken", False)
                    how = self._how_workers_died() if broken_now else self._death
                    raise WorkerDiedError(f"a worker process died ({how}), and again when its work was retried") from None
                if self._pool is not None and getattr(self._pool, "_broken", True):
                    self._restart()
                for waiting in pending:  # items finished before the break keep their results
                    future = waiting[1]
                    if future.done() and isinstance(future.exception(), BrokenProcessPool):
                        waiting[1], waiting[2] = self._submit(func, waiting[0]), True
                continue
            pending.popleft()
            return result

    def _how_workers_died(self) -> str:
        """How the pool's workers ended ("killed by SIGKILL..."); the pool terminates the others."""
        deadline = time.monotonic() + 2.0  # a dead worker's status is collected a moment after the pool breaks
        for child in self._children:
            child.join(timeout=max(0.0, deadline - time.monotonic()))
        codes = [c.exitcode for c in self._children if c.exitcode is not None and c.exitcode != 0]
        signals = [-code for code in codes if code < 0 and -code != signal.SIGTERM] or [-code for code in codes if code < 0]
        if signals:
            name = signal.Signals(signals[0]).name
            hint = ", as the kernel's out-of-memory killer does" if signals[0] == signal.SIGKILL else ""
            return f"killed by {name}{hint}"
        if codes:
            return f"exit status {codes[0]}"
        return "it ended without a word"
