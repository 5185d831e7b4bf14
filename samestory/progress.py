"""Progress display on stderr (rich), silent when disabled or not a terminal."""

from __future__ import annotations

import contextlib
from typing import Callable, Iterator


class Progress:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    @contextlib.contextmanager
    def task(self, description: str, unit: str | None = None) -> Iterator[Callable[[int], None]]:
        if not self.enabled:
            yield lambda n=1: None
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress as RichProgress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if unit:
            columns += [BarColumn(bar_width=None), TextColumn("{task.completed:,} " + unit)]
        columns.append(TimeElapsedColumn())
        with RichProgress(*columns, console=Console(stderr=True), transient=True) as bar:
            handle = bar.add_task(description, total=None)
            yield lambda n=1: bar.advance(handle, n)
