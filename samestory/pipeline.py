"""The plan: read -> clean -> boilerplate -> lexical -> rewrite -> group -> original -> output.

Which stage runs on which data, and nothing else: the stages are in stages.py, the tiers in
their folders, and the executor decides where per-batch work runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pyarrow as pa

from . import __version__, stages
from .config import Settings
from .executors import make_executor
from .output import boilerplate_table, documents_table, pairs_table, prepare_out_dir, summarize, write_outputs
from .progress import Progress
from .read import check_paths

__all__ = ["RunResult", "run"]


@dataclass
class RunResult:
    documents: pa.Table
    pairs: pa.Table
    summary: dict
    timings: dict[str, float] = field(default_factory=dict)
    out: Path | None = None
    boilerplate: pa.Table | None = None
    rewrite_stats: dict | None = None  # counts from the rewrite tier, None when it is off


def run(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    out: str | os.PathLike | None = None,
    settings: Settings | None = None,
    overwrite: bool = False,
) -> RunResult:
    """Run samestory on files/folders; write the outputs to `out` when given; return the tables."""
    settings = settings or Settings()
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    check_paths(paths)  # a bad input path is reported before anything is written
    out_dir = Path(out) if out is not None else None
    if out_dir is not None:
        prepare_out_dir(out_dir, overwrite)
    progress = Progress(enabled=settings.run.progress and sys.stderr.isatty())
    timings: dict[str, float] = {}
    timed = stage_timer(timings)
    with make_executor(settings.run) as executor:  # one executor for every stage of the run
        with timed("read_clean"):
            corpus, line_hashes = stages.read_and_fingerprint(paths, settings, executor, progress)
            release_freed_memory()
        with timed("boilerplate_fingerprint"):
            learned = stages.remove_boilerplate(corpus, line_hashes, settings, executor, progress)
            del line_hashes
        with timed("candidates_verify"):
            pairs = stages.lexical_pairs(corpus, settings, executor, progress)
        rewrite_stats = None
        if settings.rewrite.enabled:
            with timed("rewrites"):
                rewrites, stats = stages.rewrite_pairs(corpus, pairs, settings, executor, progress)
                pairs.extend(rewrites)
            timings.update(rewrites_embedding=stats.embed_seconds, rewrites_model_load=stats.model_load_seconds)
            rewrite_stats = dataclasses.asdict(stats)
    with timed("group_and_original"):
        groups, originals = stages.choose_groups(corpus, pairs)
    with timed("write"):
        documents = documents_table(corpus.columns, corpus.texts.column(), corpus.fingerprints.n_words, originals,
                                    groups, corpus.ok, corpus.boilerplate_lines)
        pair_table = pairs_table(pairs, corpus.columns.doc_id)
        boilerplate = boilerplate_table(learned)
        summary = summarize(documents, pair_table, boilerplate)
        if out_dir is not None:
            write_outputs(out_dir, documents, pair_table, summary, settings, __version__, boilerplate=boilerplate)
    return RunResult(documents=documents, pairs=pair_table, summary=summary, timings=timings, out=out_dir,
                     boilerplate=boilerplate, rewrite_stats=rewrite_stats)


def stage_timer(timings: dict[str, float]):
    """A context manager factory that adds each block's wall time to `timings[name]`."""

    @contextlib.contextmanager
    def timed(name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0

    return timed


def release_freed_memory() -> None:
    """Give freed heap back to the OS (glibc keeps it otherwise: the worker messages of a large
    crawl would stay counted in RSS long after their contents moved into Arrow). No-op elsewhere."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
