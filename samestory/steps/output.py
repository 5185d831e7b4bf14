"""Step write: the run's outputs, written by tasks from the partitions.

- documents: documents.parquet, streamed part by part (metadata, texts, each row's group
  result from the originals step), in row groups of DOCUMENT_ROW_GROUP rows whatever the parts,
  so the file is the same whatever the split; with the counts of the summary;
- corpus: the deduplicated corpus (output/corpus.py's columns), streamed the same way, a shard
  closing once its texts pass `[output] corpus_shard_mb`;
- pairs: pairs.parquet (every verified pair with a new document, by row; evidence becomes JSON
  here, once) and boilerplate.parquet;
- report: report.html, from the two tables once written.

Tasks write into the work folder (`write/`), with markers like every task; the plan then moves
the files into `--out` and writes run.json last, so a folder with run.json holds a whole run.
The tables list this run's documents only (a run with `--reference` names reference documents
by `cluster_id` and `cluster_reference`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..config import Settings
from ..output.corpus import CORPUS_SCHEMA, _write_jsonl
from ..output.tables import DOCUMENT_SCHEMA, pairs_table
from ..plan.folder import TaskFiles
from ..plan.parts import Parts, PartTexts, read_meta
from ..plan.shuffle import read_partition_table
from ..records import Pairs
from .boilerplate import boilerplate_table
from .pairs import read_pairs

__all__ = ["WriteArgs", "write_documents", "write_corpus", "write_pairs_tables", "write_report_file",
           "DOCUMENT_ROW_GROUP", "documents_schema"]

DOCUMENT_ROW_GROUP = 20_000
CORPUS_ROW_GROUP = 5_000
_META = ("doc_id", "record_id", "source", "format", "url", "title", "date", "date_precision", "site", "language", "status", "reason",
         "n_words", "chrome_lines", "boilerplate_lines", "metadata")


@dataclass(frozen=True)
class WriteArgs:
    parts: Parts
    originals: tuple[str, ...] = ()      # the originals step's map outputs (by part)
    pair_files: tuple[str, ...] = ()     # pair parts with a new document
    boilerplate: tuple[str, ...] = ()    # the sites step's table files
    settings: Settings | None = None
    run_ids: tuple[str, ...] = ()        # the reference runs' ids, in row order
    documents: str = ""                  # report: the written documents.parquet
    pairs: str = ""                      # report: the written pairs.parquet
    summary: dict | None = None          # report
    run: dict | None = None              # report: run.json's record of the run


def documents_schema(references: bool) -> pa.Schema:
    return DOCUMENT_SCHEMA.append(pa.field("cluster_reference", pa.string())) if references else DOCUMENT_SCHEMA


def _reference_of(parts: Parts, run_ids: tuple[str, ...], rows: np.ndarray) -> list[str | None]:
    """The run id holding each row: a reference run's, or None for this run."""
    if not run_ids:
        return [None] * len(rows)
    k, _ = parts.locate(rows) if len(rows) else (np.zeros(0, np.int64), None)
    refs = [parts.parts[i].reference for i in range(len(parts.parts))]
    return [run_ids[refs[i]] if refs[i] >= 0 else None for i in k.tolist()]


def part_documents(args: WriteArgs, k: int, texts: PartTexts | None) -> tuple[pa.Table, pa.Table | None]:
    """documents.parquet's rows of part k (with texts when `texts` is given), and the part's
    group results (originals step)."""
    part = args.parts.parts[k]
    meta = read_meta(part, _META)
    n = meta.num_rows
    ok = pc.equal(meta.column("status"), "ok").fill_null(False).to_numpy(zero_copy_only=False)
    cluster = np.array(meta.column("doc_id").to_pylist(), dtype=object)
    cluster[~ok] = None
    canonical = ok.copy()
    relation = np.full(n, None, dtype=object)
    score = np.full(n, np.nan)
    via = np.full(n, None, dtype=object)
    reason = np.full(n, None, dtype=object)
    where = np.full(n, None, dtype=object)
    results = read_partition_table(args.originals, k)
    if results is not None and results.num_rows:
        local = results.column("row").to_numpy() - part.start
        cluster[local] = results.column("cluster_id").to_pylist()
        canonical[local] = results.column("canonical").to_numpy() == results.column("row").to_numpy()
        relation[local] = results.column("relation").to_pylist()
        score[local] = results.column("score").to_numpy(zero_copy_only=False)
        via[local] = results.column("via").to_pylist()
        reason[local] = results.column("reason").to_pylist()
        where[local] = _reference_of(args.parts, args.run_ids, results.column("canonical").to_numpy())
    data = {name: meta.column(name) for name in meta.column_names}
    data.update({
        "format": meta.column("format"),
        "text": texts.part_texts(k) if texts is not None else None,
        "cluster_id": pa.array(cluster.tolist(), pa.string()),
        "is_canonical": pa.array(canonical, pa.bool_()),
        "relation": pa.array(relation.tolist(), pa.string()),
        "score": pa.array(np.where(np.isnan(score), None, score).tolist(), pa.float64()),
        "via": pa.array(via.tolist(), pa.string()),
        "canonical_reason": pa.array(reason.tolist(), pa.string()),
        "chrome_lines_removed": meta.column("chrome_lines"),
        "boilerplate_lines_removed": meta.column("boilerplate_lines"),
    })
    schema = documents_schema(bool(args.run_ids))
    if args.run_ids:
        data["cluster_reference"] = pa.array(where.tolist(), pa.string())
    if texts is None:
        schema = schema.remove(schema.get_field_index("text"))
    table = pa.table({f.name: data[f.name] for f in schema}, schema=schema)
    return table, results


class _Chunker:
    """Rows appended part by part, written in row groups of a fixed size (the same file for
    any split of the input into parts)."""

    def __init__(self, writer: pq.ParquetWriter, size: int):
        self.writer, self.size, self.pending, self.count = writer, size, [], 0

    def add(self, table: pa.Table) -> None:
        self.pending.append(table)
        self.count += table.num_rows
        while self.count >= self.size:
            joined = pa.concat_tables(self.pending)
            self.writer.write_table(joined.slice(0, self.size), row_group_size=self.size)
            rest = joined.slice(self.size)
            self.pending, self.count = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> None:
        if self.count:
            self.writer.write_table(pa.concat_tables(self.pending), row_group_size=self.size)
        self.pending, self.count = [], 0


def write_documents(files: TaskFiles, args: WriteArgs) -> dict:
    """documents.parquet, and the counts of the run's summary."""
    schema = documents_schema(bool(args.run_ids))
    texts = PartTexts(args.parts)
    status_counts: Counter = Counter()
    reasons: Counter = Counter()
    relations: Counter = Counter()
    clusters: Counter = Counter()  # ok documents per cluster_id, for grouped documents only

    def write(path: Path) -> None:
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            chunker = _Chunker(writer, DOCUMENT_ROW_GROUP)
            for k in args.parts.new():
                table, results = part_documents(args, k, texts)
                status = table.column("status")
                for value, count in zip(*_counts(status)):
                    status_counts[value] += count
                rejected = table.filter(pc.not_equal(status, "ok"))
                for value, count in zip(*_counts(rejected.column("reason"))):
                    reasons[value] += count
                for value, count in zip(*_counts(table.column("relation"))):
                    relations[value] += count
                if results is not None and results.num_rows:
                    for value, count in zip(*_counts(results.column("cluster_id"))):
                        clusters[value] += count
                chunker.add(table)
            chunker.close()

    files.write("documents.parquet", write)
    documents = sum(status_counts.values())
    ok = status_counts.get("ok", 0)
    duplicates = sum(relations.values())
    return {
        "documents": documents, "ok": ok, "rejected": documents - ok,
        "rejected_by_reason": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "groups": sum(1 for size in clusters.values() if size > 1),
        "documents_in_groups": sum(size for size in clusters.values() if size > 1),
        "duplicates_by_relation": {k: relations.get(k, 0) for k in ("exact", "near", "partial", "rewrite")},
        "duplicates": duplicates, "kept": ok - duplicates,
    }


def _counts(column) -> tuple[list, list]:
    counts = pc.value_counts(column.drop_null() if hasattr(column, "drop_null") else column)
    if not len(counts):
        return [], []
    return counts.field("values").to_pylist(), counts.field("counts").to_pylist()


def write_corpus(files: TaskFiles, args: WriteArgs) -> dict:
    """The deduplicated corpus: ok documents with no relation to an original, in row order."""
    output = args.settings.output
    texts = PartTexts(args.parts)
    shard_bytes = output.corpus_shard_mb * 2**20
    shards: list[str] = []

    def kept_parts():
        for k in args.parts.new():
            table, results = part_documents(args, k, None)
            group_size = np.ones(table.num_rows, dtype=np.int32)
            if results is not None and results.num_rows:
                group_size[results.column("row").to_numpy() - args.parts.parts[k].start] = results.column("group_size").to_numpy()
            keep = pc.and_(pc.equal(table.column("status"), "ok").fill_null(False), pc.is_null(table.column("relation")))
            local = np.flatnonzero(keep.to_numpy(zero_copy_only=False))
            if not len(local):
                continue
            kept = table.take(pa.array(local))
            column = texts.take_array(local + args.parts.parts[k].start)
            yield pa.table({
                "id": kept.column("doc_id"), "record_id": kept.column("record_id"), "source": kept.column("source"),
                "url": kept.column("url"), "date": kept.column("date"), "date_precision": kept.column("date_precision"),
                "title": kept.column("title"), "text": column, "cluster_id": kept.column("cluster_id"),
                "group_size": pa.array(group_size[local], pa.int32()), "metadata": kept.column("metadata"),
            }, schema=CORPUS_SCHEMA)

    if output.corpus_format == "jsonl":
        def write_jsonl(path: Path) -> None:
            with open(path, "w", encoding="utf-8") as fh:
                for table in kept_parts():
                    _write_jsonl(fh, table)

        files.write("deduplicated.jsonl", write_jsonl)
        return {"files": []}

    state = {"writer": None, "bytes": 0, "chunker": None}

    def close() -> None:
        if state["writer"] is not None:
            state["chunker"].close()
            state["writer"].close()
            state["writer"] = None

    def open_next() -> None:
        name = f"part-{len(shards):05d}.parquet"
        shards.append(name)
        path = files.path(name)
        tmp = path.with_name(f".{path.name}.tmp")
        state["tmp"], state["path"] = tmp, path
        state["writer"] = pq.ParquetWriter(tmp, CORPUS_SCHEMA, compression="zstd")
        state["chunker"] = _Chunker(state["writer"], CORPUS_ROW_GROUP)
        state["bytes"] = 0

    def finish_shard() -> None:
        close()
        state["tmp"].replace(state["path"])

    for table in kept_parts():
        lengths = pc.binary_length(table.column("text")).fill_null(0).to_numpy(zero_copy_only=False)
        start = 0
        while start < table.num_rows:  # cut where the shard passes its size, as the 0.2 writer did
            if state["writer"] is None:
                open_next()
            room = shard_bytes - state["bytes"]
            cum = np.cumsum(lengths[start:])
            stop = int(np.searchsorted(cum, room, side="left")) + 1  # the row whose text fills the shard
            stop = min(stop, table.num_rows - start)
            state["chunker"].add(table.slice(start, stop))
            state["bytes"] += int(cum[stop - 1])
            start += stop
            if state["bytes"] >= shard_bytes:
                finish_shard()
    if state["writer"] is not None:
        finish_shard()
    if not shards:  # an empty corpus still gets one (empty) shard
        files.write("part-00000.parquet", lambda p: pq.write_table(CORPUS_SCHEMA.empty_table(), p, compression="zstd"))
        shards.append("part-00000.parquet")
    return {"files": shards}


class _RowIds:
    """doc_id by row for the rows a pairs table names, one doc_id column read per part."""

    def __init__(self, parts: Parts, rows: np.ndarray):
        self.ids: dict[int, str] = {}
        rows = np.unique(rows)
        if not len(rows):
            return
        k, local = parts.locate(rows)
        for part in np.unique(k).tolist():
            pick = k == part
            column = pq.read_table(parts.parts[part].path("read", "meta.parquet"), columns=["doc_id"]).column(0)
            self.ids.update(zip(rows[pick].tolist(), column.take(pa.array(local[pick])).to_pylist()))

    def __getitem__(self, row: int) -> str:
        return self.ids[int(row)]


def write_pairs_tables(files: TaskFiles, args: WriteArgs) -> dict:
    pairs = Pairs()
    for path in args.pair_files:
        pairs.extend(read_pairs(path))
    ends = np.concatenate([np.asarray(pairs.a, np.int64), np.asarray(pairs.b, np.int64)])
    table = pairs_table(pairs, _RowIds(args.parts, ends))
    if args.run_ids:
        order = np.lexsort((np.asarray(pairs.b, dtype=np.int64), np.asarray(pairs.a, dtype=np.int64)))
        for name, side in (("reference_a", pairs.a), ("reference_b", pairs.b)):
            rows = np.asarray(side, dtype=np.int64)[order]
            table = table.append_column(name, pa.array(_reference_of(args.parts, args.run_ids, rows), pa.string()))
    files.write("pairs.parquet", lambda p: pq.write_table(table, p, compression="zstd"))
    boilerplate = boilerplate_table([Path(p) for p in args.boilerplate])
    files.write("boilerplate.parquet", lambda p: pq.write_table(boilerplate, p, compression="zstd"))
    by_site: Counter = Counter()
    for site, k in zip(boilerplate.column("site").to_pylist(), boilerplate.column("removed_from_docs").to_pylist()):
        by_site[site] += k
    return {"verified_pairs": table.num_rows,
            "boilerplate_removed_by_site": dict(sorted(by_site.items(), key=lambda kv: (-kv[1], kv[0])))}


class _NewTexts:
    """Texts by documents.parquet row (this run's rows start at parts.first_new)."""

    def __init__(self, parts: Parts):
        self.texts, self.shift = PartTexts(parts), parts.first_new

    def __getitem__(self, row: int) -> str | None:
        return self.texts[int(row) + self.shift]


def write_report_file(files: TaskFiles, args: WriteArgs) -> dict:
    from ..output.report import build_report_data, render_report

    schema = pq.read_schema(args.documents)
    documents = pq.read_table(args.documents, columns=[n for n in schema.names if n != "text"])
    pairs = pq.read_table(args.pairs)
    boilerplate = boilerplate_table([Path(p) for p in args.boilerplate])
    data = build_report_data(documents, pairs, args.summary or {}, boilerplate, args.settings.report, args.run,
                             _NewTexts(args.parts))
    files.write("report.html", lambda p: p.write_text(render_report(data), encoding="utf-8"))
    return {}

