"""The whole path: read -> clean -> fingerprint -> candidates -> verify -> group -> original -> write.

Per-document stages (clean, fingerprint) run over batches in worker processes; the
group-by-key stages (candidates, grouping) run over the concatenated arrays.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa

from . import __version__
from .candidates import exact_representatives, find_candidates
from .clean import CleanBatch, clean_batch
from .config import Settings
from .fingerprint import Fingerprints, concat_fingerprints, fingerprint_batch
from .group import connected_groups
from .original import choose_originals
from .parallel import map_ordered
from .progress import Progress
from .read import iter_documents
from .records import RawDocument
from .verify import verify_exact, verify_lexical
from .write import DOCUMENT_SCHEMA, PAIR_SCHEMA, prepare_out_dir, summarize, write_outputs


@dataclass
class RunResult:
    documents: pa.Table
    pairs: pa.Table
    summary: dict
    timings: dict[str, float] = field(default_factory=dict)
    out: Path | None = None
    rewrite_stats: dict | None = None  # counts from the rewrite tier (issue 3), None when off


def process_batch(raws: list[RawDocument], settings: Settings) -> tuple[CleanBatch, Fingerprints]:
    """The per-document stages, as one pure function over a batch (runs in a worker)."""
    cleaned = clean_batch(raws, settings)
    return cleaned, fingerprint_batch(cleaned.text, settings)


def _batches(records: Iterator[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    while batch := list(islice(records, size)):
        yield batch


def run(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    out: str | os.PathLike | None = None,
    settings: Settings | None = None,
    overwrite: bool = False,
) -> RunResult:
    """Run samestory on files/folders; write the outputs to `out` when given; return the tables."""
    settings = settings or Settings()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    out_dir = Path(out) if out is not None else None
    if out_dir is not None:
        prepare_out_dir(out_dir, overwrite)
    timings: dict[str, float] = {}
    show = settings.progress and sys.stderr.isatty()
    progress = Progress(enabled=show)

    # read + clean + fingerprint (streamed, per batch)
    t0 = time.perf_counter()
    columns = CleanBatch()
    parts: list[Fingerprints] = []
    records = iter_documents(paths, settings.max_document_bytes)
    work = functools.partial(process_batch, settings=settings)
    with progress.task("Reading and cleaning", unit="docs") as tick:
        for cleaned, fp in map_ordered(work, _batches(records, settings.batch_size), settings.effective_workers):
            for name in columns.__dataclass_fields__:
                getattr(columns, name).extend(getattr(cleaned, name))
            parts.append(fp)
            tick(len(cleaned))
    fp = concat_fingerprints(parts, settings.num_perm)
    del parts
    timings["read_clean_fingerprint"] = time.perf_counter() - t0

    n = len(columns)
    ok = np.array([s == "ok" for s in columns.status], dtype=bool)
    texts = columns.text

    t0 = time.perf_counter()
    with progress.task("Finding candidates"):
        representative = exact_representatives(fp.exact_hash, ok)
        candidates = find_candidates(fp, representative, settings)
    timings["candidates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with progress.task(f"Verifying {len(candidates.pairs):,} candidate pairs"):
        verified = verify_exact(texts, representative)
        verified.extend(verify_lexical(texts, candidates, settings))
    timings["verify"] = time.perf_counter() - t0

    if settings.rewrites:  # rewrite tier (issue 3): sentence embeddings, after the lexical tiers
        from .verify.rewrite import find_rewrites

        t0 = time.perf_counter()
        with progress.task("Looking for rewrites"):
            rewrites, rewrite_stats = find_rewrites(texts, fp.n_words, representative, verified, settings)
        verified.extend(rewrites)
        timings["rewrites"] = time.perf_counter() - t0
        timings["rewrites_embedding"] = rewrite_stats.embed_seconds
        timings["rewrites_model_load"] = rewrite_stats.model_load_seconds
        rewrite_summary = dataclasses.asdict(rewrite_stats)
    else:
        rewrite_summary = None

    t0 = time.perf_counter()
    groups = connected_groups(n, verified.a, verified.b)
    originals = choose_originals(
        groups, verified.a, verified.b, verified.relation, verified.score,
        columns.date, fp.n_words, columns.doc_id,
    )
    timings["group_and_original"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    documents = _documents_table(columns, fp, originals, groups, ok)
    pairs = _pairs_table(verified, columns.doc_id)
    summary = summarize(documents, pairs)
    if out_dir is not None:
        write_outputs(out_dir, documents, pairs, summary, settings.to_dict(), __version__)
    timings["write"] = time.perf_counter() - t0
    return RunResult(
        documents=documents, pairs=pairs, summary=summary, timings=timings, out=out_dir, rewrite_stats=rewrite_summary
    )


def _documents_table(columns: CleanBatch, fp: Fingerprints, originals, groups: np.ndarray, ok: np.ndarray) -> pa.Table:
    doc_ids = columns.doc_id
    n = len(doc_ids)
    in_group = np.bincount(groups, minlength=n)[groups] > 1 if n else np.zeros(0, bool)
    cluster_id = [doc_ids[int(originals.canonical[i])] if ok[i] else None for i in range(n)]
    is_canonical = [bool(ok[i] and originals.canonical[i] == i) for i in range(n)]
    return pa.table(
        {
            "doc_id": doc_ids,
            "source": columns.source,
            "format": columns.kind,
            "url": columns.url,
            "title": columns.title,
            "date": columns.date,
            "site": columns.site,
            "status": columns.status,
            "reason": columns.reason,
            "text": columns.text,
            "n_words": fp.n_words,
            "cluster_id": cluster_id,
            "is_canonical": is_canonical,
            "relation": originals.relation,
            "score": originals.score,
            "via": originals.via,
            "canonical_reason": [originals.reason[i] if in_group[i] else None for i in range(n)],
            "chrome_lines_removed": columns.chrome_lines,
        },
        schema=DOCUMENT_SCHEMA,
    )


def _rewrite_scores(verified, k: int) -> tuple:
    """(doc_cosine, coverage_a, coverage_b) from a rewrite pair's evidence; nulls otherwise."""
    if verified.relation[k] != "rewrite":
        return None, None, None
    evidence = json.loads(verified.evidence[k])
    return evidence.get("doc_cosine"), evidence.get("coverage_a"), evidence.get("coverage_b")


def _pairs_table(verified, doc_ids: list[str]) -> pa.Table:
    order = sorted(range(len(verified)), key=lambda k: (verified.a[k], verified.b[k]))
    scores = [_rewrite_scores(verified, k) for k in order]
    return pa.table(
        {
            "doc_a": [doc_ids[verified.a[k]] for k in order],
            "doc_b": [doc_ids[verified.b[k]] for k in order],
            "relation": [verified.relation[k] for k in order],
            "score": [verified.score[k] for k in order],
            "jaccard": [verified.jaccard[k] for k in order],
            "containment": [verified.containment[k] for k in order],
            "evidence": [verified.evidence[k] for k in order],
            "doc_cosine": [x[0] for x in scores],
            "coverage_a": [x[1] for x in scores],
            "coverage_b": [x[2] for x in scores],
        },
        schema=PAIR_SCHEMA,
    )
