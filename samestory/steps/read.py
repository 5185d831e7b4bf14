"""Step read: a worker reads its share of the input, cleans every document and fingerprints it.

One task per read task of the planner (read/: a byte range of a JSONL file, row groups of a
Parquet file, a WARC file, a handful of pages), or per batch of records given in memory.
It writes its part (plan/parts.py: metadata, texts, line hashes) and the map outputs of the
shuffles that follow (plan/shuffle.py), all keyed by local rows:

- `exact`: (exact hash, row) of every clean document;
- `bands`: (LSH band key, row): 32 bands of the MinHash, each band's keys mixed with its number;
- `anchors`: (anchor hash, row), the content-sampled shingles that find excerpts;
- `sites`: ((site, line) key, row, line position, line hash, words) of the short lines of clean
  pages, for site boilerplate;
- `signatures`: (rewrite signature feature, row), when the rewrite tier runs;
- `corpus_lines`: (line hash, row, line position, words, the page's exact hash) of the short
  lines of clean pages, for corpus-wide boilerplate (`[boilerplate] corpus_lines`).

Documents are processed a batch at a time (`[read] batch_size`, `batch_mb`), so a task's memory
is bounded by its input share, not by the file.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash

from .. import lexical
from ..boilerplate import LineHashes, concat_line_hashes, line_entries, line_hashes_batch, site_key
from ..clean import CleanBatch, clean_batch
from ..clean.dates import date_columns
from ..config import Settings
from ..lexical.candidates import band_key
from ..lexical.fingerprints import EMPTY_SIGNATURE
from ..plan.folder import TaskFiles
from ..plan.parts import write_text_file
from ..plan.shuffle import key_parts, write_partitioned
from ..records import RawDocument
from ..rewrite import concat_signatures, signature_batch

__all__ = ["ReadArgs", "read_part", "first_pass", "BatchResult", "KINDS", "band_entries", "site_hash", "META_COLUMNS"]

_MIX = np.uint64(0x9E3779B97F4A7C15)
_BAND_MIX = np.uint64(0xD6E8FEB86659FD93)

#: map outputs the lexical tiers read (rows changed by boilerplate removal are written again by
#: the finalize step, for these kinds only)
LEXICAL_KINDS = ("exact", "bands", "anchors", "signatures")
KINDS = LEXICAL_KINDS + ("sites", "corpus_lines")

META_COLUMNS = ("doc_id", "record_id", "source", "format", "url", "title", "date", "date_precision", "site", "language", "status",
                "reason", "chrome_lines", "metadata", "n_words", "exact_hash", "site_key", "signature_size")


@dataclass
class BatchResult:
    """The first pass over one batch of documents."""

    columns: CleanBatch
    texts: list[str | None]
    lines: LineHashes | None
    fingerprints: lexical.Fingerprints
    signatures: Any  # rewrite.Signatures


def first_pass(raws: list[RawDocument], settings: Settings, now: datetime | None = None) -> BatchResult:
    """Clean, hash each line for boilerplate, fingerprint (and sign, for the rewrite tier).
    `now` bounds dates."""
    cleaned = clean_batch(raws, settings.clean, now=now, day_first=settings.read.day_first)
    texts = cleaned.text
    cleaned.text = []
    lines = line_hashes_batch(texts, settings.boilerplate.max_words) if settings.boilerplate.enabled else None
    signatures = signature_batch(texts, settings.rewrite) if settings.rewrite.enabled else concat_signatures([], [])
    return BatchResult(columns=cleaned, texts=texts, lines=lines,
                       fingerprints=lexical.fingerprint_batch(texts, settings.lexical), signatures=signatures)


@dataclass(frozen=True)
class ReadArgs:
    """What a read task needs: where its documents come from (`source`: a read.ReadTask: a share
    of the input files, or rows given in memory), the settings, the run's time and the
    partitions of the shuffles."""

    source: Any
    settings: Settings
    now: datetime | None
    parts: int


def _documents(source: Any, settings: Settings, outcome) -> Iterator[RawDocument]:
    from ..read import read_task

    return read_task(source, settings.read, outcome)


def _batches(records: Iterable[RawDocument], size: int, max_chars: int) -> Iterator[list[RawDocument]]:
    batch: list[RawDocument] = []
    chars = 0
    for record in records:
        batch.append(record)
        chars += len(record.content or "")
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def site_hash(name: str) -> int:
    return xxhash.xxh3_64_intdigest(name.encode("utf-8", "surrogatepass"))


def band_entries(minhash: np.ndarray, rows: np.ndarray, settings) -> tuple[np.ndarray, np.ndarray]:
    """(key, row) of every LSH band of `rows`: band b's keys are mixed with b, so one key space
    holds all bands and equal keys mean an equal band (up to a 2^-64 collision)."""
    keys, owners = [], []
    for band in range(settings.lsh_bands):
        r = settings.lsh_rows
        block = np.ascontiguousarray(minhash[rows, band * r:(band + 1) * r])
        with np.errstate(over="ignore"):
            keys.append(band_key(block) ^ (np.uint64(band + 1) * _BAND_MIX))
        owners.append(rows)
    if not keys:
        return np.zeros(0, np.uint64), np.zeros(0, np.int32)
    return np.concatenate(keys), np.concatenate(owners).astype(np.int32)


def site_line_entries(sites: list[str | None], lines: LineHashes, ok: np.ndarray, max_words: int) -> dict[str, np.ndarray]:
    """The site-boilerplate map entries: each short line with letters of each clean page, keyed
    by (site, line) (boilerplate/site_lines.py's learner groups them)."""
    n = len(sites)
    site_of_row = np.array([site_hash(s) if ok[i] and s is not None else 0 for i, s in enumerate(sites)], dtype=np.uint64)
    counts = np.diff(lines.offsets)
    row = np.repeat(np.arange(n, dtype=np.int32), counts)
    usable = (lines.hashes != 0) & ok[row] & (lines.words <= max_words)
    idx = np.flatnonzero(usable)
    row = row[idx]
    pos = (idx - lines.offsets[row]).astype(np.int32)
    site = site_of_row[row]
    with np.errstate(over="ignore"):
        key = lines.hashes[idx] * _MIX + site * np.uint64(2) + np.uint64(1)  # wraps: a hash
    return {"key": key, "site": site, "row": row, "pos": pos, "line_hash": lines.hashes[idx],
            "words": lines.words[idx].astype(np.int32)}


def keyed_entries(fp: lexical.Fingerprints, sig, ok: np.ndarray, settings: Settings) -> dict[str, dict[str, np.ndarray]]:
    """The lexical (and signature) map entries of a batch's documents (local rows)."""
    clean = np.flatnonzero(ok).astype(np.int64)
    with_shingles = clean[fp.minhash[clean, 0] != EMPTY_SIGNATURE] if len(clean) else clean
    keys, rows = band_entries(fp.minhash, with_shingles, settings.lexical)
    out = {
        "exact": {"key": fp.exact_hash[clean], "row": clean.astype(np.int32)},
        "bands": {"key": keys, "row": rows},
        "anchors": {"key": fp.anchor_hash, "row": fp.anchor_row.astype(np.int32)},
    }
    if settings.rewrite.enabled:
        out["signatures"] = {"key": sig.feature_hash, "row": sig.row.astype(np.int32)}
    return out


def write_map_outputs(files: TaskFiles, entries: dict[str, dict[str, np.ndarray]], parts: int) -> None:
    for kind, columns in entries.items():
        write_partitioned(files, kind, parts, key_parts(columns["key"], parts), columns)


def _concat(parts: list[dict[str, np.ndarray]], shifts: list[int]) -> dict[str, np.ndarray]:
    if not parts:
        return {}
    out = {}
    for name in parts[0]:
        values = [p[name] + (s if name == "row" else 0) for p, s in zip(parts, shifts)] if name == "row" else [p[name] for p in parts]
        out[name] = np.concatenate(values) if values else np.zeros(0)
    return out


def _meta_table(columns: CleanBatch, fp: lexical.Fingerprints, sites: list[str], sig_sizes: np.ndarray) -> pa.Table:
    when, precision = date_columns(columns.date)
    return pa.table({
        "doc_id": pa.array(columns.doc_id, pa.string()),
        "record_id": pa.array(columns.record_id, pa.string()),
        "source": pa.array(columns.source, pa.string()),
        "format": pa.array(columns.kind, pa.string()),
        "url": pa.array(columns.url, pa.string()),
        "title": pa.array(columns.title, pa.string()),
        "date": pa.array(when, pa.timestamp("us", tz="UTC")),
        "date_precision": pa.array(precision, pa.string()),
        "site": pa.array(columns.site, pa.string()),
        "language": pa.array(columns.language, pa.string()),
        "status": pa.array(columns.status, pa.string()),
        "reason": pa.array(columns.reason, pa.string()),
        "chrome_lines": pa.array(columns.chrome_lines, pa.int32()),
        "metadata": pa.array(columns.metadata, pa.string()),
        "n_words": pa.array(fp.n_words, pa.int32()),
        "exact_hash": pa.array(fp.exact_hash, pa.uint64()),
        "site_key": pa.array(sites, pa.string()),
        "signature_size": pa.array(sig_sizes, pa.int32()),
    })


#: metadata columns: dictionary-encoded; hashes: not (random values, which dictionaries only bloat)
_PLAIN = ["exact_hash", "n_words", "doc_id", "metadata", "chrome_lines", "signature_size"]


def write_lines_file(path, lines: LineHashes) -> None:
    table = pa.table({
        "line_hash": pa.ListArray.from_arrays(pa.array(lines.offsets.astype(np.int32)), pa.array(lines.hashes, pa.uint64())),
        "line_words": pa.ListArray.from_arrays(pa.array(lines.offsets.astype(np.int32)), pa.array(lines.words, pa.int32())),
    })
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def read_part(files: TaskFiles, args: ReadArgs) -> dict:
    """The read task: documents → part files and map outputs; the summary the plan needs."""
    settings = args.settings
    column_parts: list[CleanBatch] = []
    texts: list[str | None] = []
    line_parts: list[LineHashes] = []
    fp_parts: list[lexical.Fingerprints] = []
    sig_parts = []
    from ..read import ReadOutcome, id_keys

    outcome = ReadOutcome()
    for batch in _batches(_documents(args.source, settings, outcome), settings.read.batch_size, settings.read.batch_mb * 2**20):
        result = first_pass(batch, settings, args.now)
        column_parts.append(result.columns)
        texts.extend(result.texts)
        if result.lines is not None:
            line_parts.append(result.lines)
        fp_parts.append(result.fingerprints)
        sig_parts.append(result.signatures)
    columns = CleanBatch(**{f.name: [v for p in column_parts for v in getattr(p, f.name)] for f in fields(CleanBatch)})
    n = len(columns)
    sizes = [len(p) for p in fp_parts]
    fp = lexical.concat_fingerprints(fp_parts, settings.lexical.num_perm)
    sig = concat_signatures(sig_parts, sizes)
    ok = np.array([s == "ok" for s in columns.status], dtype=bool)
    sites = [site_key(u, s, d) for u, s, d in zip(columns.url, columns.site, columns.doc_id)]
    sig_sizes = np.bincount(sig.row, minlength=n).astype(np.int32) if len(sig.row) else np.zeros(n, np.int32)

    table = _meta_table(columns, fp, sites, sig_sizes)
    files.write("meta.parquet", lambda p: pq.write_table(
        table, p, compression="zstd", use_dictionary=[c for c in table.column_names if c not in _PLAIN]))
    files.write("texts.arrow", lambda p: write_text_file(p, pa.array(texts, pa.large_string())))
    entries = keyed_entries(fp, sig, ok, settings)
    summary: dict = {"rows": n, "ok": int(ok.sum()), "reads_to_end": list(outcome.reads_to_end)}
    # doc_ids made unique across tasks (read/unique.py): an id's family (its root) is its key,
    # so every id of a family meets in one partition of the ids step
    id_hashes, root_hashes = id_keys(columns.doc_id)
    entries["ids"] = {"key": root_hashes, "id": id_hashes, "row": np.arange(n, dtype=np.int32)}
    if settings.boilerplate.enabled:
        lines = concat_line_hashes(line_parts)
        files.write("lines.arrow", lambda p: write_lines_file(p, lines))
        row_site = np.array([site_hash(s) if s is not None else 0 for s in sites], np.uint64)  # 0: no site
        site_entries = site_line_entries(sites, lines, ok, settings.boilerplate.max_words)
        entries["sites"] = site_entries
        if settings.boilerplate.corpus_lines:  # corpus-wide lines (boilerplate/corpus_lines.py, steps/corpus_lines.py)
            found = line_entries(lines, fp.exact_hash, ok, settings.boilerplate)
            # the page's site (0: none), so the lines step leaves one site's lines to the sites step
            entries["corpus_lines"] = {"key": found.hashes, "row": found.rows.astype(np.int32), "pos": found.pos,
                                       "words": found.words, "exact": found.exact,
                                       "site": row_site[found.rows] if len(found.rows) else np.zeros(0, np.uint64)}
        # clean pages per site (the learner's threshold depends on it): small, summed by the plan
        site_values, site_counts = np.unique(row_site[ok],
                                             return_counts=True) if ok.any() else (np.zeros(0, np.uint64), np.zeros(0))
        summary["site_pages"] = [[int(s), int(c)] for s, c in zip(site_values.tolist(), site_counts.tolist())]
    write_map_outputs(files, entries, args.parts)
    return summary
