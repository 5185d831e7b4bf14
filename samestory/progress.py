"""Progress of a run: rich bars on a terminal; log lines (logger "samestory") elsewhere.

On a terminal each task gets a bar with its count, and a total and ETA when the total is known.
Each finished task is also logged at DEBUG with its count and seconds; the pipeline logs one
INFO line per stage. The CLI decides where the log goes (stderr off a terminal, `-v`,
`--log-file`), so a redirected run still says what it is doing.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Callable, Iterator

log = logging.getLogger("samestory")


class Progress:
    def __init__(self, enabled: bool):
        self.enabled = enabled  # bars on; the DEBUG lines are logged either way

    @contextlib.contextmanager
    def task(self, description: str, unit: str | None = None, total: int | None = None) -> Iterator[Callable[[int], None]]:
        done = [0]
        t0 = time.perf_counter()

        def count(n: int = 1) -> None:
            done[0] += n

        if not self.enabled:
            yield count
        else:
            with self._bar(description, unit, total) as advance:
                def tick(n: int = 1) -> None:
                    count(n)
                    advance(n)

                yield tick
        counted = f": {done[0]:,} {unit}" if unit else ""
        log.debug("%s%s, %.1f s", description, counted, time.perf_counter() - t0)

    @staticmethod
    @contextlib.contextmanager
    def _bar(description: str, unit: str | None, total: int | None) -> Iterator[Callable[[int], None]]:
        from rich.console import Console
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress as RichProgress, SpinnerColumn, TextColumn, TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if unit:
            columns.append(BarColumn(bar_width=None))
            if total is not None:  # a known total: "n/N docs" and the time left
                columns += [MofNCompleteColumn(), TextColumn(unit), TimeRemainingColumn()]
            else:
                columns.append(TextColumn("{task.completed:,} " + unit))
        columns.append(TimeElapsedColumn())
        with RichProgress(*columns, console=Console(stderr=True), transient=True) as bar:
            handle = bar.add_task(description, total=total)
            yield lambda n=1: bar.advance(handle, n)
