"""What a run records about itself: each stage's seconds and counts, and run.json's account of
the inputs and tiers. Kept apart from the plan so that pipeline.py reads as the plan alone."""

from __future__ import annotations

import contextlib
import ctypes
import os
import time

from .config import Settings
from .progress import log

__all__ = ["stage_timer", "run_record", "release_freed_memory"]


def stage_timer(timings: dict[str, float], counts: dict[str, dict[str, int]] | None = None):
    """A context manager factory that adds each block's wall time to `timings[name]`; the block
    may report its counts (`counted(pairs=12)`), kept in `counts[name]`. A finished stage is
    logged at INFO with its counts and seconds."""
    counts = {} if counts is None else counts

    @contextlib.contextmanager
    def timed(name: str):
        t0 = time.perf_counter()
        try:
            yield lambda **found: counts.setdefault(name, {}).update(found)
        finally:
            seconds = time.perf_counter() - t0
            timings[name] = timings.get(name, 0.0) + seconds
            said = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in counts.get(name, {}).items())
            log.info("%s: %s%.1f s", name.replace("_", " "), f"{said}, " if said else "", seconds)

    return timed


def run_record(paths: list, settings: Settings, counts: dict, timings: dict) -> dict:
    """What run.json says about this run besides settings and summary: the inputs as given, the
    tiers that ran, each stage's counts, and (the one field that varies between identical runs)
    each stage's seconds."""
    read = counts.get("read_clean", {})
    tiers = ["lexical"] + [name for name in ("boilerplate", "rewrite") if getattr(settings, name).enabled]
    inputs = {"paths": [os.fspath(p) for p in paths if isinstance(p, (str, os.PathLike))],
              "files": read.get("files", 0), "documents": read.get("documents", 0)}
    others = sum(1 for p in paths if not isinstance(p, (str, os.PathLike)))
    if others:  # records or tables given in memory: counted, not copied into run.json
        inputs["in_memory"] = others
    return {
        "inputs": inputs,
        "tiers": sorted(tiers),
        "stages": {name: dict(c) for name, c in counts.items()},
        "timings": {name: round(seconds, 3) for name, seconds in sorted(timings.items())},
    }


def release_freed_memory() -> None:
    """Give freed heap back to the OS (glibc keeps it otherwise: the worker messages of a large
    crawl would stay counted in RSS long after their contents moved into Arrow). No-op elsewhere."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
