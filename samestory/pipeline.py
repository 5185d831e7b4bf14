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
from .clean.boilerplate import (
    Boilerplate, LineHashes, concat_line_hashes, learn_boilerplate, line_hashes_batch, site_key, strip_lines_batch,
)
from .config import Settings
from .fingerprint import Fingerprints, concat_fingerprints, fingerprint_batch, replace_rows
from .group import connected_groups
from .original import choose_originals
from .parallel import Workers
from .progress import Progress
from .read import check_paths, iter_documents
from .records import RawDocument
from .textstore import TextStore
from .verify import candidate_chunks, verify_chunk, verify_exact
from .write import BOILERPLATE_SCHEMA, DOCUMENT_SCHEMA, PAIR_SCHEMA, prepare_out_dir, summarize, write_outputs


@dataclass
class RunResult:
    documents: pa.Table
    pairs: pa.Table
    summary: dict
    timings: dict[str, float] = field(default_factory=dict)
    out: Path | None = None
    boilerplate: pa.Table | None = None
    rewrite_stats: dict | None = None  # counts from the rewrite tier (issue 3), None when off


def process_batch(raws: list[RawDocument], settings: Settings) -> tuple[CleanBatch, LineHashes | None, Fingerprints]:
    """Per-document pass 1 (runs in a worker): clean, hash each line for site boilerplate, and
    fingerprint. Most documents lose no boilerplate line, so their fingerprints are final."""
    cleaned = clean_batch(raws, settings)
    lines = line_hashes_batch(cleaned.text, settings.boilerplate_max_words) if settings.site_boilerplate else None
    fp = fingerprint_batch(cleaned.text, settings)
    # texts travel back as one Arrow array: the main process never holds them as Python strings
    cleaned.text = pa.array(cleaned.text, type=pa.large_string())
    return cleaned, lines, fp


def fingerprint_stage(
    item: tuple[list[str | None], list], settings: Settings
) -> tuple[list[str | None], list[int], Fingerprints]:
    """Per-document pass 2 (runs in a worker): drop the learned boilerplate lines, then
    fingerprint. A text left with too few words comes back as None (rejected)."""
    texts, drops = item
    texts, removed = strip_lines_batch(texts, drops)
    min_words = max(settings.min_words, 1)
    texts = [t if k == 0 or (t is not None and len(t.split()) >= min_words) else None for t, k in zip(texts, removed)]
    return texts, removed, fingerprint_batch(texts, settings)


def release_freed_memory() -> None:
    """Give freed heap back to the OS (glibc keeps it otherwise: the worker messages of a large
    crawl would stay counted in RSS long after their contents moved into Arrow). No-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


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
    check_paths(paths)  # a bad input path is reported before anything is written
    out_dir = Path(out) if out is not None else None
    if out_dir is not None:
        prepare_out_dir(out_dir, overwrite)
    progress = Progress(enabled=settings.progress and sys.stderr.isatty())
    with Workers(settings.effective_workers) as pool:  # one pool for every stage of the run
        return _run_stages(paths, out_dir, settings, progress, pool)


def _run_stages(paths: list, out_dir: Path | None, settings: Settings, progress: Progress, pool: Workers) -> RunResult:
    timings: dict[str, float] = {}
    # read + clean (streamed, per batch), with line hashes for site boilerplate
    t0 = time.perf_counter()
    records = iter_documents(paths, settings.max_document_bytes)
    work = functools.partial(process_batch, settings=settings)
    columns = CleanBatch()
    columns.text = TextStore()  # compact: texts live in Arrow chunks, not Python strings
    line_parts: list[LineHashes] = []
    parts: list[Fingerprints] = []
    with progress.task("Reading and cleaning", unit="docs") as tick:
        for cleaned, lines, fp_part in pool.map(work, _batches(records, settings.batch_size)):
            for name in columns.__dataclass_fields__:
                getattr(columns, name).extend(getattr(cleaned, name))
            if lines is not None:
                line_parts.append(lines)
            parts.append(fp_part)
            tick(len(cleaned))
    fp = concat_fingerprints(parts, settings.num_perm)
    del parts
    release_freed_memory()
    timings["read_clean"] = time.perf_counter() - t0

    # site boilerplate: count (site, line) over the corpus (group-by-key), then strip the learned
    # lines and fingerprint again, per batch, only the documents that had such lines
    t0 = time.perf_counter()
    n = len(columns)
    ok = np.array([s == "ok" for s in columns.status], dtype=bool)
    if settings.site_boilerplate:
        sites = [site_key(u, s, d) for u, s, d in zip(columns.url, columns.site, columns.doc_id)]
        with progress.task("Learning site boilerplate"):
            learned = learn_boilerplate(sites, concat_line_hashes(line_parts), ok, columns.text, settings)
    else:
        learned = Boilerplate(drops=[None] * n)
    del line_parts
    boilerplate_lines = [0] * n
    affected = [i for i, drop in enumerate(learned.drops) if drop is not None and len(drop)]
    if affected:
        size = settings.batch_size
        chunks = [affected[i:i + size] for i in range(0, len(affected), size)]
        items = (([columns.text[r] for r in rows], [learned.drops[r] for r in rows]) for rows in chunks)
        finish = functools.partial(fingerprint_stage, settings=settings)
        redone: list[Fingerprints] = []
        with progress.task("Removing boilerplate", unit="docs") as tick:
            for rows, (texts_out, removed, fp_part) in zip(chunks, pool.map(finish, items)):
                for r, text, k in zip(rows, texts_out, removed):
                    columns.text[r] = text
                    boilerplate_lines[r] = k
                redone.append(fp_part)
                tick(len(rows))
        fp = replace_rows(fp, np.array(affected, dtype=np.int64), concat_fingerprints(redone, settings.num_perm))
    for i in affected:
        if ok[i] and columns.text[i] is None:
            columns.status[i] = "rejected"
            columns.reason[i] = "no text left after removing site boilerplate"
            ok[i] = False
    timings["boilerplate_fingerprint"] = time.perf_counter() - t0
    texts = columns.text

    t0 = time.perf_counter()
    with progress.task("Finding candidates"):
        representative = exact_representatives(fp.exact_hash, ok)
        candidates = find_candidates(fp, representative, settings)
    timings["candidates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with progress.task(f"Verifying {len(candidates.pairs):,} candidate pairs"):
        verified = verify_exact(texts, representative)
        # chunks of pairs are verified in the worker pool; results come back in order
        check = functools.partial(verify_chunk, settings=settings)
        chunk = max(200, -(-len(candidates.pairs) // (4 * pool.count)))
        for part in pool.map(check, candidate_chunks(texts, candidates, chunk)):
            verified.extend(part)
    timings["verify"] = time.perf_counter() - t0

    if settings.rewrites:  # rewrite tier (issue 3): sentence embeddings, after the lexical tiers
        from .verify.rewrite import find_rewrites

        t0 = time.perf_counter()
        with progress.task("Looking for rewrites"):
            rewrites, rewrite_stats = find_rewrites(texts, fp, representative, verified, settings)
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
        pair_evidence=verified.evidence, kinds=columns.kind, titles=columns.title, urls=columns.url,
        sites=columns.site, chrome_lines=columns.chrome_lines,
    )
    timings["group_and_original"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    documents = _documents_table(columns, fp, originals, groups, ok, boilerplate_lines)
    pairs = _pairs_table(verified, columns.doc_id)
    boilerplate = _boilerplate_table(learned)
    summary = summarize(documents, pairs, boilerplate)
    if out_dir is not None:
        write_outputs(out_dir, documents, pairs, summary, settings.to_dict(), __version__, boilerplate=boilerplate)
    timings["write"] = time.perf_counter() - t0
    return RunResult(
        documents=documents, pairs=pairs, summary=summary, timings=timings, out=out_dir, boilerplate=boilerplate,
        rewrite_stats=rewrite_summary,
    )


def _boilerplate_table(learned: Boilerplate) -> pa.Table:
    return pa.table(
        {
            "site": learned.site,
            "line": learned.line,
            "words": learned.words,
            "removed_from_docs": learned.removed_from_docs,
            "distinct_pages": learned.distinct_pages,
            "site_pages": learned.site_pages,
        },
        schema=BOILERPLATE_SCHEMA,
    )


def _documents_table(
    columns: CleanBatch, fp: Fingerprints, originals, groups: np.ndarray, ok: np.ndarray, boilerplate_lines: list[int]
) -> pa.Table:
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
            "text": columns.text.column(),
            "n_words": fp.n_words,
            "cluster_id": cluster_id,
            "is_canonical": is_canonical,
            "relation": originals.relation,
            "score": originals.score,
            "via": originals.via,
            "canonical_reason": [originals.reason[i] if in_group[i] else None for i in range(n)],
            "chrome_lines_removed": columns.chrome_lines,
            "boilerplate_lines_removed": boilerplate_lines,
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
