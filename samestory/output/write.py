"""Write a run's outputs: the tables, the deduplicated corpus, run.json, report.html; and the summary."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from ..config import Settings
from .corpus import CORPUS_JSONL, CORPUS_PARQUET_DIR, corpus_name, write_corpus
from .tables import BOILERPLATE_SCHEMA, DOCUMENT_SCHEMA

__all__ = [
    "OutputExistsError", "UnfinishedRunError", "prepare_out_dir", "write_outputs", "summarize", "OUTPUT_FILES",
    "RUN_MANIFEST", "check_finished", "check_out_dir", "temp_path", "replacing", "DERIVED_FILES",
]

#: Written last, by a rename: a folder holding it holds a finished run, whatever killed a run.
RUN_MANIFEST = "run.json"
OUTPUT_FILES = (
    "documents.parquet", "pairs.parquet", CORPUS_PARQUET_DIR, CORPUS_JSONL, "report.html", "boilerplate.parquet",
    RUN_MANIFEST,
)
#: Outputs are written under temporary names (hidden, so no reader takes them for input) and
#: renamed when complete.
_TEMP_PREFIX, _TEMP_SUFFIX = ".", ".partial"


class OutputExistsError(Exception):
    pass


class UnfinishedRunError(Exception):
    """A run folder without run.json: its run was killed, failed, or is still going."""


def temp_path(path: Path) -> Path:
    return path.with_name(f"{_TEMP_PREFIX}{path.name}{_TEMP_SUFFIX}")


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C/SIGTERM arriving inside the block is delivered when it ends. Starting a thread
    waits for it to run: a signal handled in that wait unwinds before the executor records the
    thread, so its join would miss it and its files would outlive the cleanup."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum in previous:
        signal.signal(signum, lambda got, frame: caught.append(got))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in caught:
            signal.raise_signal(signum)  # now to the handler the run set


def _remove(path: Path) -> None:
    """A file, or a folder of them (the corpus shards); nothing when absent."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path to write; renamed onto `path` when the block succeeds, removed if not."""
    temp = temp_path(path)
    try:
        yield temp
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    os.replace(temp, path)


def check_finished(out: Path) -> None:
    """Raise UnfinishedRunError (one line) unless `out` holds a finished run."""
    if not (out / RUN_MANIFEST).is_file():
        raise UnfinishedRunError(
            f"{out} holds no finished samestory run: {RUN_MANIFEST} is missing (the run was interrupted, "
            "failed, or is still going); run it again"
        )


#: Files other commands write into a run folder (`samestory eval`): they describe the run
#: they were made from, so they go when its outputs go.
DERIVED_FILES = ("eval.json",)


def check_out_dir(out: Path, overwrite: bool) -> tuple[list[str], list[Path]]:
    """Refuse to mix runs (one line): an out dir holding samestory outputs, finished or not,
    needs --overwrite. Removes nothing; returns (outputs, leftover temporary files) found."""
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"--out {out} exists and is not a folder")
    existing = [name for name in OUTPUT_FILES if (out / name).exists()]
    leftovers = [p for p in out.iterdir() if p.name.endswith(_TEMP_SUFFIX) and p.name.startswith(_TEMP_PREFIX)] if out.is_dir() else []
    if (existing or leftovers) and not overwrite:
        if RUN_MANIFEST in existing:
            raise OutputExistsError(f"{out} already holds a samestory run; use --overwrite to replace it")
        raise OutputExistsError(f"{out} holds an unfinished samestory run (no {RUN_MANIFEST}); use --overwrite to replace it")
    return existing, leftovers


def prepare_out_dir(out: Path, overwrite: bool) -> None:
    """Refuse to mix runs (check_out_dir); with --overwrite, remove the old outputs (run.json
    first, so the folder stops looking finished at once) and what was derived from them."""
    existing, leftovers = check_out_dir(out, overwrite)
    for name in sorted(existing, key=lambda n: n != RUN_MANIFEST):
        _remove(out / name)
    for path in leftovers:
        _remove(path)
    for name in DERIVED_FILES if overwrite else ():
        _remove(out / name)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder of the path should be, no permission...
        raise OutputExistsError(f"cannot create --out folder {out}: {exc.strerror or exc}") from None


def summarize(documents: pa.Table, pairs: pa.Table, boilerplate: pa.Table | None = None) -> dict:
    status = documents.column("status").to_pylist()
    reasons = Counter(r for r, s in zip(documents.column("reason").to_pylist(), status) if s == "rejected")
    relations = Counter(r for r in documents.column("relation").to_pylist() if r)
    clusters = Counter(
        c for c, s in zip(documents.column("cluster_id").to_pylist(), status) if s == "ok"
    )
    groups = sum(1 for size in clusters.values() if size > 1)
    ok = status.count("ok")
    duplicates = sum(relations.values())
    return {
        "documents": len(status),
        "ok": ok,
        "rejected": len(status) - ok,
        "rejected_by_reason": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "groups": groups,
        "documents_in_groups": sum(size for size in clusters.values() if size > 1),
        "duplicates_by_relation": {k: relations.get(k, 0) for k in ("exact", "near", "partial", "rewrite")},
        "duplicates": duplicates,
        "kept": ok - duplicates,
        "verified_pairs": pairs.num_rows,
        "boilerplate_removed_by_site": _boilerplate_by_site(boilerplate),
    }


def _boilerplate_by_site(boilerplate: pa.Table | None) -> dict[str, int]:
    """Boilerplate line occurrences removed per site, most first."""
    if boilerplate is None or boilerplate.num_rows == 0:
        return {}
    totals: Counter = Counter()
    for site, k in zip(boilerplate.column("site").to_pylist(), boilerplate.column("removed_from_docs").to_pylist()):
        totals[site] += k
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


DOCUMENT_ROW_GROUP = 20_000  # rows per row group of documents.parquet


def write_documents(path: Path, documents: pa.Table, texts=None) -> None:
    """documents.parquet. A table without its text column gets it from `texts` (a textstore
    store) one row group at a time, so the writer never holds more than 20k texts."""
    if "text" in documents.column_names or texts is None:
        # row groups of 20k rows bound the writer's buffers and let readers skip through the file
        pq.write_table(documents, path, compression="zstd", row_group_size=DOCUMENT_ROW_GROUP)
        return
    position = DOCUMENT_SCHEMA.get_field_index("text")
    schema = documents.schema.insert(position, DOCUMENT_SCHEMA.field("text"))
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for lo in range(0, documents.num_rows, DOCUMENT_ROW_GROUP):
            part = documents.slice(lo, DOCUMENT_ROW_GROUP)
            column = texts.array(lo, lo + part.num_rows)
            writer.write_table(part.add_column(position, DOCUMENT_SCHEMA.field("text"), column),
                               row_group_size=DOCUMENT_ROW_GROUP)


def write_outputs(
    out: Path, documents: pa.Table, pairs: pa.Table, summary: dict, settings: Settings, version: str,
    boilerplate: pa.Table | None = None, record: dict | None = None, texts=None,
) -> None:
    """Every output file, each under a temporary name, renamed at the end (run.json last).
    `texts`: the run's text store, when `documents` was built without its text column."""
    # No timestamps anywhere: the same input and settings give byte-identical files, but for
    # run.json's "timings" (the seconds each stage took; `record` comes from pipeline.run_record).
    if boilerplate is None:
        boilerplate = BOILERPLATE_SCHEMA.empty_table()

    def write_parquet() -> None:
        write_documents(temp_path(out / "documents.parquet"), documents, texts)
        pq.write_table(pairs, temp_path(out / "pairs.parquet"), compression="zstd")
        pq.write_table(boilerplate, temp_path(out / "boilerplate.parquet"), compression="zstd")

    corpus = corpus_name(settings.output.corpus_format)
    names = ["documents.parquet", "pairs.parquet", "boilerplate.parquet", corpus]
    thread = ThreadPoolExecutor(max_workers=1)
    try:
        # Arrow's Parquet writer releases the GIL: it runs in a thread while the corpus is written
        with _signals_deferred():  # the thread must be tracked (and joined below) before Ctrl-C unwinds
            parquet_done = thread.submit(write_parquet)
        corpus_files = write_corpus(temp_path(out / corpus), documents, settings.output.corpus_format,
                                    settings.output.corpus_shard_mb * 2**20, texts=texts)
        parquet_done.result()
        if settings.report.enabled:
            from .report import write_report

            run = {"settings": settings.to_dict(), **{k: v for k, v in (record or {}).items() if k in ("tiers", "inputs")}}
            write_report(out, documents, pairs, summary, boilerplate, settings=settings.report,
                         path=temp_path(out / "report.html"), run=run, texts=texts)
            names.append("report.html")
        manifest = {
            "samestory_version": version, "settings": settings.to_dict(), "summary": summary, **(record or {}),
            "corpus": {"format": settings.output.corpus_format, "files": [f"{corpus}/{f}" for f in corpus_files] or [corpus]},
        }
        temp_path(out / RUN_MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        for name in names:
            os.replace(temp_path(out / name), out / name)
        os.replace(temp_path(out / RUN_MANIFEST), out / RUN_MANIFEST)  # last: the run is finished
    except BaseException:  # interrupted or failed: leave no half-written file behind, and no run.json
        thread.shutdown(wait=True)  # the writer thread may still be creating files: let it finish first
        for name in [*names, "report.html", RUN_MANIFEST]:
            _remove(temp_path(out / name))
        raise
    finally:
        thread.shutdown(wait=False)
