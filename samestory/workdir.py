"""The work folder of a run (`--out/_work/`): per input batch, the clean texts and fingerprints.

The first pass writes one Parquet shard per batch of input records (`first-000000.parquet`,
...: metadata, fingerprints, line hashes) and its texts beside it (`first-000000.texts.arrow`,
uncompressed Arrow IPC, read a row at a time by textstore.ShardTextStore), each atomically
(temporary name, fsync, rename; texts first), so a shard on disk is always complete.
`manifest.json` records what the shards were made from (input files with size and mtime, the
settings, the references); `final.parquet` holds the rows that boilerplate removal changed
(their final text and fingerprints), so a finished run's folder is a reference index for a
later `--reference` run without re-reading or re-cleaning any page; `index.parquet` holds
every document's metadata and fingerprints in one file; `keys/`, the sorted LSH band keys and
anchors that such a run searches (lexical/keyindex.py), is added by the first run that uses
this one as a reference.

A document's identity is where it was read: (shard, offset in shard).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from dataclasses import fields
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import lexical
from .boilerplate import LineHashes
from .clean import CleanBatch
from .clean.dates import date_columns, dates_from_columns
from .config import RewriteSettings, Settings
from .rewrite import Signatures
from .rewrite.vector_cache import VECTORS_DIR, VectorCache, vector_model_key
from .stages import BatchResult
from .textstore import read_text_file, write_text_file

__all__ = [
    "WORK_DIR", "WorkDirError", "WorkDir", "input_files", "shard_table", "read_shard",
    "write_atomically", "fingerprint_columns", "fingerprints_from", "signatures_from", "settings_record", "FINAL",
    "MANIFEST", "INDEX", "batch_from_table", "text_file", "write_shard",
]

WORK_DIR = "_work"
MANIFEST = "manifest.json"
FINAL = "final.parquet"
INDEX = "index.parquet"
FORMAT = 2  # 2: texts in their own Arrow IPC file per shard (random access)
# settings that change where or how visibly a run works, never what it finds
_NEUTRAL_SECTIONS = ("run",)


class WorkDirError(Exception):
    """A work folder that cannot be used as asked (one-line message)."""


def input_files(paths: Iterable[str | os.PathLike], skip: Path | None = None) -> list[list]:
    """[path, size, mtime_ns] of every file the reader would visit, in its order (a cheap identity:
    a file rewritten in place changes its mtime). `skip`: the run's own --out, never read."""
    found = []
    skipped = skip.resolve() if skip is not None else None
    for raw in paths:
        root = Path(raw).resolve()
        if root.is_file():
            found.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and Path(dirpath, d) != skipped)
            found.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    out = []
    for path in found:
        try:
            st = path.stat()
            out.append([str(path), st.st_size, st.st_mtime_ns])
        except OSError:
            out.append([str(path), None, None])  # the reader reports it as a rejected entry
    return out


def settings_record(settings: Settings) -> dict:
    """The settings a work folder was made with (those that can change what a run finds)."""
    data = settings.to_dict()
    for name in _NEUTRAL_SECTIONS:
        data.pop(name, None)
    return data


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary name in the same folder, fsync, then rename: a reader (or a
    resumed run) sees the whole file or none of it, even after kill -9 or a power cut."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:  # a full disk, an interrupt: no half-written file is left behind
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself is durable only once the folder is synced
    finally:
        os.close(dir_fd)


#: hash columns: random values, which Parquet's dictionary encoding only slows down and bloats
_HASH_COLUMNS = frozenset({"exact_hash", "minhash", "anchors", "signature", "line_hash"})


def parquet_options(columns: list[str]) -> dict:
    """How the work folder's Parquet files are written: zstd, dictionaries for the metadata
    columns only (timed by hand on 5k documents' shards: 2.5x less CPU and 24 % smaller files
    than dictionaries everywhere)."""
    return {"compression": "zstd", "use_dictionary": [c for c in columns if c not in _HASH_COLUMNS]}


def _write_json(path: Path, data: dict) -> None:
    write_atomically(path, lambda p: p.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8"))


# --- Arrow encoding of fingerprints: one row per document, lists per row ------------------------

def _row_offsets(rows: np.ndarray, n: int) -> np.ndarray:
    """List offsets from a sorted row column (rows of a keyed array, ascending)."""
    return np.searchsorted(rows, np.arange(n + 1), side="left").astype(np.int32)


def _list_array(offsets: np.ndarray, values: np.ndarray) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array(np.asarray(offsets, dtype=np.int32)), pa.array(values))


def _list_parts(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(values, row of each value) of a list column."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    lengths = arr.value_lengths().to_numpy(zero_copy_only=False).astype(np.int64)
    values = arr.flatten().to_numpy(zero_copy_only=False)
    return values, np.repeat(np.arange(len(arr), dtype=np.int64), lengths)


def fingerprint_columns(fp: lexical.Fingerprints, sig: Signatures) -> dict[str, pa.Array]:
    n = len(fp)
    num_perm = fp.minhash.shape[1]
    return {
        "exact_hash": pa.array(fp.exact_hash, type=pa.uint64()),
        "n_words": pa.array(fp.n_words, type=pa.int32()),
        "minhash": pa.FixedSizeListArray.from_arrays(pa.array(fp.minhash.reshape(-1), type=pa.uint32()), num_perm),
        "anchors": _list_array(_row_offsets(fp.anchor_row, n), fp.anchor_hash),
        "signature": _list_array(_row_offsets(sig.row, n), sig.feature_hash),
    }


def fingerprints_from(table: pa.Table, num_perm: int) -> lexical.Fingerprints:
    """Fingerprints from their columns; a table read without `minhash` and `anchors` (a
    reference run whose candidate keys come from its key index) gives none: MinHash of 0 rows."""
    if "minhash" in table.column_names:
        minhash = table.column("minhash").combine_chunks().flatten().to_numpy().astype(np.uint32, copy=False)
        minhash = minhash.reshape(table.num_rows, num_perm)
        anchor_hash, anchor_row = _list_parts(table.column("anchors"))
    else:
        minhash = np.zeros((0, num_perm), np.uint32)
        anchor_hash, anchor_row = np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return lexical.Fingerprints(
        exact_hash=table.column("exact_hash").to_numpy().astype(np.uint64, copy=False),
        n_words=table.column("n_words").to_numpy().astype(np.int32, copy=False),
        minhash=minhash,
        anchor_hash=anchor_hash.astype(np.uint64, copy=False),
        anchor_row=anchor_row,
    )


def signatures_from(table: pa.Table) -> Signatures:
    """Rewrite signatures from their column (none when the table was read without it)."""
    if "signature" not in table.column_names:
        return Signatures(np.zeros(0, np.uint64), np.zeros(0, np.int64))
    feature_hash, row = _list_parts(table.column("signature"))
    return Signatures(feature_hash.astype(np.uint64, copy=False), row)


_META = [f.name for f in fields(CleanBatch) if f.name != "text"]


def _document_columns(columns, fp: lexical.Fingerprints, sig: Signatures) -> dict[str, pa.Array]:
    """Metadata and fingerprint columns of documents (shards and the index)."""
    data: dict[str, pa.Array] = {name: pa.array(getattr(columns, name), type=pa.int32() if name == "chrome_lines" else pa.string())
                                 for name in _META if name != "date"}
    when, precision = date_columns(columns.date)  # dates keep their precision (clean/dates.py)
    data["date"] = pa.array(when, type=pa.timestamp("us", tz="UTC"))
    data["date_precision"] = pa.array(precision, type=pa.string())
    data.update(fingerprint_columns(fp, sig))
    return data


def shard_table(batch: BatchResult) -> pa.Table:
    """A shard's metadata, fingerprints and line hashes (its texts go in their own file)."""
    data = _document_columns(batch.columns, batch.fingerprints, batch.signatures)
    if batch.lines is not None:
        data["line_hash"] = _list_array(batch.lines.offsets, batch.lines.hashes)
        data["line_words"] = _list_array(batch.lines.offsets, batch.lines.words)
    return pa.table(data)


def read_shard(path: Path, num_perm: int, lines: bool = True, texts: bool = True) -> BatchResult:
    """A shard as the first pass returned it (without its line hashes unless `lines`, without
    its texts, None, unless `texts`). A shard of format 1 holds its texts in a column."""
    skip = ("line_hash", "line_words")[:0 if lines else 2] + (() if texts else ("text",))
    table = pq.read_table(path, columns=[c for c in pq.read_schema(path).names if c not in skip] if skip else None)
    batch = batch_from_table(table, num_perm)
    if texts and batch.texts is None:
        batch.texts = read_text_file(text_file(path)).cast(pa.large_string())
    return batch


def batch_from_table(table: pa.Table, num_perm: int) -> BatchResult:
    """A BatchResult from a shard's or the index's columns (texts and line hashes when present;
    a metadata column left out when reading is None throughout)."""
    columns = CleanBatch(**{name: table.column(name).to_pylist() if name in table.column_names else [None] * table.num_rows
                            for name in _META if name != "date"},
                         date=dates_from_columns(table.column("date").to_pylist(), table.column("date_precision").to_pylist()))
    line_hashes = None
    if "line_hash" in table.column_names:
        hashes, _ = _list_parts(table.column("line_hash"))
        words, _ = _list_parts(table.column("line_words"))
        lengths = table.column("line_hash").combine_chunks().value_lengths().to_numpy(zero_copy_only=False)
        offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        line_hashes = LineHashes(offsets, hashes.astype(np.uint64, copy=False), words.astype(np.int32, copy=False))
    return BatchResult(
        columns=columns, texts=table.column("text").combine_chunks() if "text" in table.column_names else None,
        lines=line_hashes,
        fingerprints=fingerprints_from(table, num_perm), signatures=signatures_from(table),
    )


def write_shard(path: Path, batch: BatchResult) -> None:
    """The texts file first, then the shard: a shard on disk always has its texts."""
    write_atomically(text_file(path), lambda p: write_text_file(p, batch.texts))
    table = shard_table(batch)
    write_atomically(path, lambda p: pq.write_table(table, p, **parquet_options(table.column_names)))


def first_pass_or_load(item: tuple[int, list | None], work: Callable, folder: str, num_perm: int):
    """In a worker: a batch's first pass, written as its shard; or, for a batch whose shard a
    previous (interrupted) run completed, that shard as read back. The texts stay in the shard's
    texts file (the driver reads them from there when it needs them): None in the result."""
    k, raws = item
    path = Path(folder) / shard_name(k)
    if raws is None:
        return read_shard(path, num_perm, texts=False)
    result = work(raws)
    write_shard(path, result)
    result.texts = None
    return result


def shard_name(k: int) -> str:
    return f"first-{k:06d}.parquet"


def text_file(shard: Path) -> Path:
    """The texts file beside a shard: first-000000.parquet -> first-000000.texts.arrow."""
    return shard.with_name(shard.name.removesuffix(".parquet") + ".texts.arrow")


class WorkDir:
    """The work folder of one run: its manifest, its shards, its final rows."""

    def __init__(self, path: Path, manifest: dict):
        self.path = path
        self.manifest = manifest
        self.resumed = 0  # shards reused from an interrupted run

    @property
    def run_id(self) -> str:
        return self.manifest["run_id"]

    @staticmethod
    def planned_manifest(out: Path, paths: list, settings: Settings, version: str,
                         references: list[str] | None = None) -> dict:
        """The manifest a run of these inputs, settings and references writes (with its run_id)."""
        manifest = {
            "format": FORMAT, "samestory_version": version, "inputs": input_files(paths, skip=out),
            "settings": settings_record(settings), "references": sorted(references or []),
        }
        manifest["run_id"] = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()[:16]
        return manifest

    @staticmethod
    def check(out: Path, manifest: dict, resume: bool = False, overwrite: bool = False) -> None:
        """Raise WorkDirError (one line) where `open` would refuse; changes nothing on disk."""
        path = out / WORK_DIR
        old = _read_manifest(path) if resume else None
        if old is not None:
            reason = manifest_difference(old, manifest)
            if reason:
                raise WorkDirError(f"cannot resume the run in {out}: {reason}")
        elif path.exists() and not (overwrite or resume):
            raise WorkDirError(
                f"{out} holds the work folder of an unfinished run; use --resume to continue it or --overwrite to start again"
            )

    @classmethod
    def open(cls, out: Path, paths: list, settings: Settings, version: str, resume: bool = False,
             overwrite: bool = False, references: list[str] | None = None, manifest: dict | None = None) -> "WorkDir":
        """The work folder for a new run (created empty) or for `--resume` (checked against the
        interrupted run's manifest: the same inputs, settings and references, else refused).
        `manifest`: planned_manifest's, when the caller made it already."""
        path = out / WORK_DIR
        manifest = manifest or cls.planned_manifest(out, paths, settings, version, references)
        cls.check(out, manifest, resume, overwrite)
        old = _read_manifest(path) if resume else None
        if old is not None:
            for stale in path.glob(".*.tmp"):
                stale.unlink(missing_ok=True)  # half-written files of the killed run
            (path / FINAL).unlink(missing_ok=True)  # rewritten by the later stages
            (path / INDEX).unlink(missing_ok=True)
            shutil.rmtree(path / VECTORS_DIR, ignore_errors=True)
            return cls(path, old)
        if path.exists():  # with --resume here, the run was killed before its manifest: start again
            shutil.rmtree(path)
        path.mkdir(parents=True)
        _write_json(path / MANIFEST, manifest)
        return cls(path, manifest)

    def has_shard(self, k: int) -> bool:
        return (self.path / shard_name(k)).is_file()

    def text_file(self, k: int) -> Path:
        return text_file(self.path / shard_name(k))

    def sharded(self, work: Callable, batches: Iterable[list], num_perm: int) -> tuple[Callable, Iterator]:
        """The first pass as (function, items) for an executor: each batch is cleaned and written
        as its shard, or, when its shard exists (`--resume`), read back without cleaning."""
        func = functools.partial(first_pass_or_load, work=work, folder=str(self.path), num_perm=num_perm)

        def items() -> Iterator[tuple[int, list | None]]:
            for k, batch in enumerate(batches):
                if self.has_shard(k):
                    self.resumed += 1
                    yield k, None
                else:
                    yield k, batch

        return func, items()

    def write_vectors(self, found: dict, settings: RewriteSettings) -> None:
        """The full-model sentence vectors this run computed, for later --reference runs."""
        VectorCache.write(self.path / VECTORS_DIR, found, vector_model_key(settings), write_atomically)

    def write_final(self, rows: np.ndarray, corpus) -> None:
        """The rows boilerplate removal changed, as they are now (what a reference run loads on
        top of the shards), and the index of every row's fingerprints (`_write_index`)."""
        rows = np.asarray(rows, dtype=np.int64)
        fp = lexical.Fingerprints(
            corpus.fingerprints.exact_hash[rows], corpus.fingerprints.n_words[rows], corpus.fingerprints.minhash[rows],
            *_pick_keyed(corpus.fingerprints.anchor_hash, corpus.fingerprints.anchor_row, rows),
        )
        sig = Signatures(*_pick_keyed(corpus.signatures.feature_hash, corpus.signatures.row, rows))
        data = {
            "row": pa.array(rows, type=pa.int64()),
            "text": pa.array([corpus.texts[r] for r in rows], type=pa.large_string()),
            "status": pa.array([corpus.columns.status[r] for r in rows], type=pa.string()),
            "reason": pa.array([corpus.columns.reason[r] for r in rows], type=pa.string()),
            "boilerplate_lines": pa.array([corpus.boilerplate_lines[r] for r in rows], type=pa.int32()),
        }
        data.update(fingerprint_columns(fp, sig))
        table = pa.table(data)
        write_atomically(self.path / FINAL, lambda p: pq.write_table(table, p, **parquet_options(table.column_names)))
        self._write_index(corpus)

    def _write_index(self, corpus) -> None:
        """Every document's metadata and fingerprints, as the run grouped them, in one file: a
        later `--reference` run loads it at once instead of reading every shard (360 of them for
        90k documents cost ~1.3 s, most of it per-file overhead). The shards' sizes go in its
        schema metadata, for reading texts from the shards. Written INDEX_ROWS documents at a
        time, so the Arrow copy of the columns never covers the whole corpus."""
        n = len(corpus)
        fp, sig = corpus.fingerprints, corpus.signatures
        metadata = {"shard_rows": json.dumps(corpus.shard_sizes)}

        def write(path: Path) -> None:
            writer = None
            try:
                for lo in range(0, max(n, 1), INDEX_ROWS):
                    hi = min(n, lo + INDEX_ROWS)
                    columns = CleanBatch(**{name: getattr(corpus.columns, name)[lo:hi] for name in _META})
                    part = pa.table(_document_columns(columns, _slice_fingerprints(fp, lo, hi),
                                                      Signatures(*_slice_keyed(sig.feature_hash, sig.row, lo, hi))))
                    if writer is None:
                        writer = pq.ParquetWriter(path, part.schema.with_metadata(metadata),
                                                  **parquet_options(part.column_names))
                    writer.write_table(part.replace_schema_metadata(metadata))
            finally:
                if writer is not None:
                    writer.close()

        write_atomically(self.path / INDEX, write)


INDEX_ROWS = 100_000  # documents per row group of index.parquet


def _slice_keyed(keys: np.ndarray, rows: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """The (key, row) entries of rows lo..hi-1 (rows ascending), renumbered from 0."""
    a, b = np.searchsorted(rows, [lo, hi], side="left")
    return keys[a:b], rows[a:b] - lo


def _slice_fingerprints(fp: lexical.Fingerprints, lo: int, hi: int) -> lexical.Fingerprints:
    return lexical.Fingerprints(fp.exact_hash[lo:hi], fp.n_words[lo:hi], fp.minhash[lo:hi],
                                *_slice_keyed(fp.anchor_hash, fp.anchor_row, lo, hi))


def _pick_keyed(keys: np.ndarray, rows: np.ndarray, picked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (key, row) entries of the picked rows, renumbered 0..len(picked)-1, sorted by row."""
    position = np.full(int(rows.max()) + 1 if len(rows) else 0, -1, dtype=np.int64)
    inside = picked[picked < len(position)]
    position[inside] = np.flatnonzero(picked < len(position))
    new_row = position[rows] if len(rows) else rows
    keep = new_row >= 0
    keys, new_row = keys[keep], new_row[keep]
    order = np.argsort(new_row, kind="stable")
    return keys[order], new_row[order]


def _read_manifest(path: Path) -> dict | None:
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise WorkDirError(f"cannot read {path / MANIFEST}: {exc}") from None


def manifest_difference(old: dict, new: dict, run: str = "the interrupted run") -> str | None:
    """Why a run cannot continue another's shards (`run`: how to name it), in one line; None when it can."""
    if old.get("format") != new["format"] or old.get("samestory_version") != new["samestory_version"]:
        return f"it was started by samestory {old.get('samestory_version')} (this is {new['samestory_version']})"
    if old.get("settings") != new["settings"]:
        changed = _changed_keys(old.get("settings") or {}, new["settings"])
        return f"settings differ from {run}'s ({', '.join(changed[:3])})"
    if old.get("references") != new["references"]:
        return f"the --reference runs differ from {run}'s"
    old_inputs, new_inputs = old.get("inputs") or [], new["inputs"]
    if old_inputs != new_inputs:
        old_by_path = {p: (s, m) for p, s, m in old_inputs}
        for p, s, m in new_inputs:
            if p not in old_by_path:
                return f"input {p} was not in {run}"
            if old_by_path[p] != (s, m):
                return f"input {p} changed since {run} (size or modification time)"
        missing = sorted(set(old_by_path) - {p for p, _, _ in new_inputs})
        return f"input {missing[0] if missing else '?'} of {run} is missing"
    return None


def _changed_keys(old: dict, new: dict) -> list[str]:
    out = []
    for section in sorted(set(old) | set(new)):
        a, b = old.get(section) or {}, new.get(section) or {}
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                out.append(f"{section}.{key}: {a.get(key)!r} -> {b.get(key)!r}")
    return out or ["?"]
