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

import numpy as np
import pyarrow as pa

from . import __version__, stages
from .config import Settings
from .executors import make_executor
from .output import boilerplate_table, documents_table, pairs_table, prepare_out_dir, summarize, write_outputs
from .progress import Progress, log
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
    counts: dict[str, dict[str, int]] = {}
    timed = stage_timer(timings, counts)
    with make_executor(settings.run) as executor:  # one executor for every stage of the run
        with timed("read_clean") as counted:
            skip = (out_dir,) if out_dir is not None else ()
            corpus, line_hashes = stages.read_and_fingerprint(paths, settings, executor, progress, skip=skip)
            release_freed_memory()
            counted(documents=len(corpus), ok=int(corpus.ok.sum()), files=len(set(corpus.columns.source)))
        with timed("boilerplate_fingerprint") as counted:
            learned = stages.remove_boilerplate(corpus, line_hashes, settings, executor, progress)
            del line_hashes
            counted(documents_changed=sum(1 for k in corpus.boilerplate_lines if k), ok=int(corpus.ok.sum()))
        with timed("candidates_verify") as counted:
            pairs = stages.lexical_pairs(corpus, settings, executor, progress)
            counted(pairs=len(pairs))
        rewrite_stats = None
        if settings.rewrite.enabled:
            with timed("rewrites") as counted:
                rewrites, stats = stages.rewrite_pairs(corpus, pairs, settings, executor, progress)
                stages.add_overlap_scores(rewrites, corpus, settings)
                pairs.extend(rewrites)
                counted(pairs=len(rewrites))
            timings.update(rewrites_embedding=stats.embed_seconds, rewrites_model_load=stats.model_load_seconds)
            rewrite_stats = dataclasses.asdict(stats)
    with timed("group_and_original") as counted:
        groups, originals = stages.choose_groups(corpus, pairs)
        counted(groups=int((np.bincount(groups)[np.unique(groups)] > 1).sum()) if len(groups) else 0)
    with timed("write"):
        documents = documents_table(corpus.columns, corpus.texts.column(), corpus.fingerprints.n_words, originals,
                                    groups, corpus.ok, corpus.boilerplate_lines)
        pair_table = pairs_table(pairs, corpus.columns.doc_id)
        boilerplate = boilerplate_table(learned)
        summary = summarize(documents, pair_table, boilerplate)
        if out_dir is not None:
            record = run_record(paths, settings, counts, timings)
            write_outputs(out_dir, documents, pair_table, summary, settings, __version__, boilerplate=boilerplate,
                          record=record)
    return RunResult(documents=documents, pairs=pair_table, summary=summary, timings=timings, out=out_dir,
                     boilerplate=boilerplate, rewrite_stats=rewrite_stats)


def run_record(paths: list, settings: Settings, counts: dict, timings: dict) -> dict:
    """What run.json says about this run besides settings and summary: the inputs as given, the
    tiers that ran, each stage's counts, and (the one field that varies between identical runs)
    each stage's seconds."""
    read = counts.get("read_clean", {})
    tiers = ["lexical"] + [name for name in ("boilerplate", "rewrite") if getattr(settings, name).enabled]
    return {
        "inputs": {
            "paths": [os.fspath(p) if isinstance(p, (str, os.PathLike)) else type(p).__name__ for p in paths],
            "files": read.get("files", 0), "documents": read.get("documents", 0),
        },
        "tiers": sorted(tiers),
        "stages": {name: dict(c) for name, c in counts.items()},
        "timings": {name: round(seconds, 3) for name, seconds in sorted(timings.items())},
    }


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


def release_freed_memory() -> None:
    """Give freed heap back to the OS (glibc keeps it otherwise: the worker messages of a large
    crawl would stay counted in RSS long after their contents moved into Arrow). No-op elsewhere."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
