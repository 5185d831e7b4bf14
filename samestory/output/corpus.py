"""The deduplicated corpus: one row per kept document (unique documents and the original of
each group), as Parquet shards (default) or one JSONL file.

Columns: `id` (samestory's doc_id, what `cluster_id` refers to), `record_id` (the input
record's own id, null for files and pages), `source`, `url`, `date` (UTC timestamp) and
`date_precision`, `title`, `text`, `cluster_id`, `group_size` (documents in its group, 1 for
a unique document) and `metadata` (the input record's other fields, a JSON string).

Parquet: `deduplicated/part-00000.parquet`, ... in input order; a shard closes once its
texts pass `shard_text_bytes`, so shards stay a manageable size whatever the corpus.
`datasets.load_dataset("parquet", data_files="OUT/deduplicated/*.parquet")`, DuckDB, polars
and pandas read them. JSONL: `deduplicated.jsonl`, the same fields, dates written as precise as
known (`2024`, `2024-03`, `2024-03-04` or `2024-03-04T08:20:30Z`).
"""

from __future__ import annotations

import json
from pathlib import Path

import dateutil.relativedelta  # noqa: F401  (see below)
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# pyarrow imports dateutil the first time it converts a Python scalar (pc.equal(column, "ok"))
# and clears any exception raised during that import: a Ctrl-C arriving then would be lost and
# the run would go on. Imported above, up front, so that window does not exist.

from ..clean.dates import PublishedDate

__all__ = ["CORPUS_FORMATS", "CORPUS_JSONL", "CORPUS_PARQUET_DIR", "CORPUS_SCHEMA", "corpus_name", "kept_table", "write_corpus"]

CORPUS_FORMATS = ("parquet", "jsonl")
CORPUS_PARQUET_DIR = "deduplicated"
CORPUS_JSONL = "deduplicated.jsonl"
SHARD_TEXT_BYTES = 256 * 2**20

CORPUS_SCHEMA = pa.schema([
    ("id", pa.string()),
    ("record_id", pa.string()),
    ("source", pa.string()),
    ("url", pa.string()),
    ("date", pa.timestamp("us", tz="UTC")),
    ("date_precision", pa.string()),
    ("title", pa.string()),
    ("text", pa.large_string()),
    ("cluster_id", pa.string()),
    ("group_size", pa.int32()),
    ("metadata", pa.string()),
])


def kept_table(documents: pa.Table, texts=None) -> pa.Table:
    """The corpus rows: status ok and no relation to an original (documents' column names).
    `texts`: the run's text store, when `documents` has no text column."""
    rows, sizes = _kept_rows(documents)
    return _corpus_rows(documents, rows, sizes, texts)


def _kept_rows(documents: pa.Table) -> tuple[pa.Array, dict[str, int]]:
    """Indexes of the kept rows, and each group's size (ok documents per cluster_id)."""
    ok = pc.equal(documents.column("status"), "ok")
    sizes = _group_sizes(documents.column("cluster_id").filter(ok))  # that column only: no copy of the texts
    kept = pc.and_(ok, pc.is_null(documents.column("relation")))
    return pc.indices_nonzero(kept), sizes


def _corpus_rows(documents: pa.Table, rows: pa.Array, sizes: dict[str, int], texts=None) -> pa.Table:
    """The corpus table of the given rows (ascending) of `documents`: only their texts are copied, so the
    writer can go shard by shard instead of copying every kept text at once (at 1M documents
    that copy was ~2.6 GB on top of the texts themselves)."""
    # filter a zero-copy slice rather than `take`: Arrow's take on a chunked column first
    # concatenates every chunk (a copy of all texts, measured: +1.2 GB at 200k documents)
    indexes = rows.to_numpy(zero_copy_only=False).astype(np.int64)
    first = int(indexes[0]) if len(indexes) else 0
    span = int(indexes[-1]) - first + 1 if len(indexes) else 0
    mask = np.zeros(span, dtype=bool)
    mask[indexes - first] = True
    kept = documents.slice(first, span).filter(pa.array(mask))
    if texts is not None:  # the table has no text column: read these rows' texts from the store
        kept = kept.append_column("text", texts.take_array(indexes))
    cluster = kept.column("cluster_id").to_pylist()
    group_size = pa.array([sizes.get(c, 1) for c in cluster], pa.int32())
    columns = {
        "id": kept.column("doc_id"), "record_id": kept.column("record_id"), "source": kept.column("source"),
        "url": kept.column("url"), "date": kept.column("date"), "date_precision": kept.column("date_precision"),
        "title": kept.column("title"), "text": kept.column("text"), "cluster_id": kept.column("cluster_id"),
        "group_size": group_size, "metadata": kept.column("metadata"),
    }
    return pa.table({name: columns[name].cast(CORPUS_SCHEMA.field(name).type) for name in CORPUS_SCHEMA.names},
                    schema=CORPUS_SCHEMA)


def _group_sizes(cluster_ids: pa.ChunkedArray) -> dict[str, int]:
    counts = pc.value_counts(cluster_ids.drop_null())
    return dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()))


def corpus_name(fmt: str) -> str:
    """The corpus' name in a run folder: the shard folder, or the JSONL file."""
    if fmt not in CORPUS_FORMATS:
        raise ValueError(f"corpus format must be one of {', '.join(CORPUS_FORMATS)}, not {fmt!r}")
    return CORPUS_PARQUET_DIR if fmt == "parquet" else CORPUS_JSONL


def write_corpus(path: Path, documents: pa.Table, fmt: str = "parquet",
                 shard_text_bytes: int = SHARD_TEXT_BYTES, texts=None) -> list[str]:
    """Write the corpus at `path` (a folder of shards, or one JSONL file; the caller renames it
    into place). Returns the shard names inside the folder ([] for JSONL). `texts`: the run's
    text store (textstore.py) when `documents` has no text column."""
    corpus_name(fmt)  # checks the format
    if "text" in documents.column_names:
        texts = None
    rows, sizes = _kept_rows(documents)
    if fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as fh:
            for start in range(0, len(rows), _JSONL_ROWS):
                _write_jsonl(fh, _corpus_rows(documents, rows.slice(start, _JSONL_ROWS), sizes, texts))
        return []
    return _write_parquet_shards(path, documents, rows, sizes, shard_text_bytes, texts)


_JSONL_ROWS = 20_000  # corpus rows built at once for the JSONL file


def _write_parquet_shards(folder: Path, documents: pa.Table, rows: pa.Array, sizes: dict[str, int],
                          shard_text_bytes: int, texts=None) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    # lengths of the kept texts (a null text counts 0): no copy of the texts themselves
    if not len(rows):
        lengths = []
    elif texts is not None:
        lengths = texts.nbytes(rows.to_numpy(zero_copy_only=False)).tolist()
    else:
        lengths = pc.binary_length(documents.column("text")).take(rows).fill_null(0).to_pylist()
    bounds, start, size = [], 0, 0
    for i, n in enumerate(lengths):
        size += n
        if size >= shard_text_bytes:
            bounds.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(lengths) or not bounds:
        bounds.append((start, len(lengths)))  # an empty corpus still gets one (empty) shard
    written = []
    for k, (lo, hi) in enumerate(bounds):
        name = f"part-{k:05d}.parquet"
        # one row group at a time: the writer holds ~5k texts, not a whole shard's
        with pq.ParquetWriter(folder / name, CORPUS_SCHEMA, compression="zstd") as writer:
            for start in range(lo, hi, _ROW_GROUP):
                part = _corpus_rows(documents, rows.slice(start, min(_ROW_GROUP, hi - start)), sizes, texts)
                writer.write_table(part, row_group_size=_ROW_GROUP)
        written.append(name)
    return written


_ROW_GROUP = 5_000  # rows per row group of a corpus shard


def _write_jsonl(fh, table: pa.Table) -> None:
    for batch in table.to_batches(max_chunksize=2000):
        for row in batch.to_pylist():
            when, precision = row["date"], row["date_precision"]
            row["date"] = str(PublishedDate(when, precision)) if when is not None and precision else None
            row["metadata"] = json.loads(row["metadata"]) if row["metadata"] else {}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
