"""A wall-clock limit on one call, so that one pathological page cannot stall a worker.

Uses the interval timer (SIGALRM): the limit interrupts Python code (trafilatura's tree walks,
where the time goes on pathological pages) without a thread or process per document. A
signal handler only runs in the main thread, so elsewhere the call runs unlimited.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class TimeLimitExceeded(Exception):
    """The call ran past its limit."""


def _raise(signum, frame) -> None:
    raise TimeLimitExceeded


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitExceeded inside the block after `seconds` (None or <= 0: no limit)."""
    usable = (
        seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise)
    started = time.monotonic()
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:  # an enclosing alarm (the caller's own limit) keeps its deadline
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))
