"""Write a run's outputs: the tables, the deduplicated corpus, run.json, report.html; and the summary."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..config import Settings
from .tables import BOILERPLATE_SCHEMA

__all__ = ["OutputExistsError", "prepare_out_dir", "write_outputs", "summarize", "OUTPUT_FILES"]

OUTPUT_FILES = ("documents.parquet", "pairs.parquet", "deduplicated.jsonl", "run.json", "report.html", "boilerplate.parquet")

class OutputExistsError(Exception):
    pass


def prepare_out_dir(out: Path, overwrite: bool) -> None:
    """Refuse to mix runs: an out dir holding samestory outputs needs --overwrite."""
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"--out {out} exists and is not a folder")
    existing = [name for name in OUTPUT_FILES if (out / name).exists()]
    if existing and not overwrite:
        raise OutputExistsError(
            f"{out} already holds a samestory run ({', '.join(existing)}); use --overwrite to replace it"
        )
    out.mkdir(parents=True, exist_ok=True)


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


def write_outputs(
    out: Path, documents: pa.Table, pairs: pa.Table, summary: dict, settings: Settings, version: str,
    boilerplate: pa.Table | None = None,
) -> None:
    # No timestamps anywhere: the same input and settings give byte-identical files.
    if boilerplate is None:
        boilerplate = BOILERPLATE_SCHEMA.empty_table()

    def write_parquet() -> None:
        # row groups of 20k rows bound the writer's buffers and let readers skip through the file
        pq.write_table(documents, out / "documents.parquet", compression="zstd", row_group_size=20_000)
        pq.write_table(pairs, out / "pairs.parquet", compression="zstd")
        pq.write_table(boilerplate, out / "boilerplate.parquet", compression="zstd")

    # Arrow's Parquet writer releases the GIL: it runs in a thread while Python writes the JSONL
    with ThreadPoolExecutor(max_workers=1) as thread:
        parquet_done = thread.submit(write_parquet)
        _write_deduplicated(out, documents)
        parquet_done.result()
    manifest = {"samestory_version": version, "settings": settings.to_dict(), "summary": summary}
    (out / "run.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if settings.report.enabled:
        from .report import write_report

        write_report(out, documents, pairs, summary, boilerplate, settings=settings.report)
    elif (out / "report.html").exists():
        (out / "report.html").unlink()  # an --overwrite run must not leave a stale report


def _write_deduplicated(out: Path, documents: pa.Table) -> None:
    """One line per kept document; batch by batch, so only a slice of the texts is ever copied."""
    with open(out / "deduplicated.jsonl", "w", encoding="utf-8") as fh:
        for batch in documents.select(["doc_id", "url", "title", "text", "status", "relation"]).to_batches(max_chunksize=2000):
            keep = pc.and_(pc.equal(batch.column("status"), "ok"), pc.is_null(batch.column("relation")))
            rows = batch.filter(keep).select(["doc_id", "url", "title", "text"]).to_pylist()
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
