"""The stages the pipeline plan wires, each over the whole corpus through an executor.

Per-document work (`first_pass`, `second_pass`, lexical verification chunks) is pure functions
over batches that the executor runs wherever it likes; the group-by-key steps (boilerplate
learning, candidates, groups) run here over the concatenated arrays.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Iterator

import numpy as np
import pyarrow as pa

from . import lexical
from .boilerplate import (
    Boilerplate, LineHashes, RowLineHashes, add_corpus_lines, concat_line_hashes, learn_boilerplate, learn_corpus_lines,
    line_entries, line_hashes_batch, site_key, strip_learned_batch,
)
from .clean import CleanBatch, clean_batch
from .config import Settings
from .executors import Executor
from .group import connected_groups
from .original import DocumentFacts, Originals, choose_originals
from .output import boilerplate_table, documents_table, pairs_table, summarize
from .output.tables import in_groups
from .progress import Progress
from .records import GROUPING_RELATIONS, Pairs, RawDocument
from .rewrite import Signatures, concat_signatures, replace_signature_rows, signature_batch
from .runlog import release_freed_memory, settle_heap
from .textstore import RowTexts, ShardTextStore, TextJob, TextStore

__all__ = [
    "Corpus", "read_and_fingerprint", "remove_boilerplate", "lexical_pairs", "rewrite_pairs", "add_overlap_scores",
    "choose_groups",
]

_TEXT = "text"
VERIFY_CHUNK_PAIRS = 20_000  # candidate pairs per verification job (their texts are read in the worker)


@dataclass
class BatchResult:
    """What the first pass returns for one batch (from a worker)."""

    columns: CleanBatch          # metadata columns; its text column stays empty: texts travel as Arrow
    texts: pa.Array | None       # None when a worker wrote them to the batch's shard (workdir.py)
    lines: LineHashes | None
    fingerprints: lexical.Fingerprints
    signatures: Signatures


@dataclass
class Corpus:
    """Every document of a run, column by column, in input order."""

    columns: CleanBatch = field(default_factory=CleanBatch)
    texts: RowTexts = field(default_factory=TextStore)  # in memory, or in the work folder's shards
    fingerprints: lexical.Fingerprints | None = None
    signatures: Signatures | None = None
    ok: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    boilerplate_lines: list[int] = field(default_factory=list)
    representative: np.ndarray | None = None
    shard_sizes: list[int] = field(default_factory=list)  # documents per first-pass batch (work-folder shard)

    def __len__(self) -> int:
        return len(self.columns)


def first_pass(raws: list[RawDocument], settings: Settings, now: datetime | None = None) -> BatchResult:
    """Per batch, in a worker: clean, hash each line for site boilerplate, fingerprint. Most
    documents lose no boilerplate line, so their fingerprints are final. `now` bounds dates."""
    cleaned = clean_batch(raws, settings.clean, now=now, day_first=settings.read.day_first)
    texts = cleaned.text
    cleaned.text = []
    lines = line_hashes_batch(texts, settings.boilerplate.max_words) if settings.boilerplate.enabled else None
    signatures = signature_batch(texts, settings.rewrite) if settings.rewrite.enabled else concat_signatures([], [])
    return BatchResult(
        columns=cleaned, texts=pa.array(texts, type=pa.large_string()), lines=lines,
        fingerprints=lexical.fingerprint_batch(texts, settings.lexical), signatures=signatures,
    )


def second_pass(item: tuple[TextJob, list[int], list], settings: Settings) -> tuple[list, list[int], lexical.Fingerprints, Signatures]:
    """Per batch, in a worker: read the rows' texts (`text_job`, textstore.py), drop the learned
    boilerplate lines, then fingerprint again. A text left with too few words comes back as
    None (rejected)."""
    text_job, rows, drops = item
    found = text_job.read()
    chrome_words = settings.clean.chrome_max_words if settings.clean.strip_chrome_lines else None
    texts, removed = strip_learned_batch([found[r] for r in rows], drops, chrome_words)
    min_words = max(settings.clean.min_words, 1)
    texts = [t if k == 0 or (t is not None and len(t.split()) >= min_words) else None for t, k in zip(texts, removed)]
    signatures = signature_batch(texts, settings.rewrite) if settings.rewrite.enabled else concat_signatures([], [])
    return texts, removed, lexical.fingerprint_batch(texts, settings.lexical), signatures


def _batches(records: Iterator[RawDocument], size: int, max_chars: int) -> Iterator[list[RawDocument]]:
    """Batches of at most `size` records, closed early once their content passes `max_chars`
    (an HTML crawl's batches stay as small in memory as a text corpus's)."""
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


def read_and_fingerprint(
    records: Iterator[RawDocument], settings: Settings, executor: Executor, progress: Progress,
    now: datetime | None = None, store=None,
) -> tuple[Corpus, list[LineHashes]]:
    """Clean every document as it is read (streamed, per batch), with fingerprints and line
    hashes; `now` bounds dates. With a work folder (`store`, workdir.WorkDir) each batch is also
    written as a shard, and a batch whose shard exists is read back from it instead of being
    cleaned again."""
    corpus = Corpus()
    work = functools.partial(first_pass, settings=settings, now=now)
    batches = _batches(records, settings.read.batch_size, settings.read.batch_mb * 2**20)
    if store is not None:  # the texts stay in the shards' files: the driver never holds them all
        work, batches = store.sharded(work, batches, settings.lexical.num_perm)
        corpus.texts = ShardTextStore()
    line_parts: list[LineHashes] = []
    fp_parts, sig_parts = [], []
    with progress.task("Reading and cleaning", unit="docs") as tick:
        for part in executor.map(work, batches):
            for column in fields(CleanBatch):
                if column.name != _TEXT:
                    getattr(corpus.columns, column.name).extend(getattr(part.columns, column.name))
            if store is not None:
                corpus.texts.add(store.text_file(len(fp_parts)), len(part.columns))
            else:
                corpus.texts.extend(part.texts)
            if part.lines is not None:
                line_parts.append(part.lines)
            fp_parts.append(part.fingerprints)
            sig_parts.append(part.signatures)
            settle_heap()  # the corpus grows all through reading (runlog.settled_heap)
            tick(len(part.columns))
    corpus.shard_sizes = [len(p) for p in fp_parts]
    part = None  # the last batch's arrays, so that joining frees every part it copies
    corpus.fingerprints = lexical.concat_fingerprints(fp_parts, settings.lexical.num_perm, consume=True,
                                                      release=release_freed_memory)
    corpus.signatures = concat_signatures(sig_parts, corpus.shard_sizes)
    corpus.ok = np.array([s == "ok" for s in corpus.columns.status], dtype=bool)
    corpus.boilerplate_lines = [0] * len(corpus)
    return corpus, line_parts


def remove_boilerplate(corpus: Corpus, line_parts: list[LineHashes], settings: Settings, executor: Executor,
                       progress: Progress) -> Boilerplate:
    """Learn site boilerplate (group by (site, line)), then strip it and fingerprint again, per
    batch, only the documents that had such lines."""
    cols, n = corpus.columns, len(corpus)
    if not settings.boilerplate.enabled:
        return Boilerplate(drops=[None] * n)
    sites = [site_key(u, s, d) for u, s, d in zip(cols.url, cols.site, cols.doc_id)]
    lines = concat_line_hashes(line_parts)
    with progress.task("Learning site boilerplate"):
        learned = learn_boilerplate(sites, lines, corpus.ok, corpus.texts, settings.boilerplate)
    if settings.boilerplate.corpus_lines:  # wiring for the plan: one key partition, in the driver
        with progress.task("Learning corpus-wide boilerplate"):
            bp = settings.boilerplate
            entries = line_entries(lines, corpus.fingerprints.exact_hash, corpus.ok, bp, skip=learned.drops)
            n_ok = int(corpus.ok.sum())
            found = learn_corpus_lines(entries, n_ok, RowLineHashes(lines), corpus.texts.__getitem__, bp)
            add_corpus_lines(learned, found, lines, corpus.ok, corpus.texts, n_ok, bp.corpus_max_words)
    del lines
    affected = [i for i, drop in enumerate(learned.drops) if drop is not None and len(drop)]
    if not affected:
        return learned
    size = settings.read.batch_size
    chunks = [affected[i:i + size] for i in range(0, len(affected), size)]
    items = ((corpus.texts.job(rows), rows, [learned.drops[r] for r in rows]) for rows in chunks)
    fp_parts, sig_parts = [], []
    with progress.task("Removing boilerplate", unit="docs", total=len(affected)) as tick:
        for rows, (texts, removed, fp, sig) in zip(chunks, executor.map(functools.partial(second_pass, settings=settings), items)):
            for r, text, k in zip(rows, texts, removed):
                corpus.texts[r] = text
                corpus.boilerplate_lines[r] = k
            fp_parts.append(fp)
            sig_parts.append(sig)
            tick(len(rows))
    rows = np.array(affected, dtype=np.int64)
    corpus.fingerprints = lexical.replace_rows(
        corpus.fingerprints, rows, lexical.concat_fingerprints(fp_parts, settings.lexical.num_perm))
    corpus.signatures = replace_signature_rows(
        corpus.signatures, rows, concat_signatures(sig_parts, [len(p) for p in fp_parts]))
    for i in affected:
        if corpus.ok[i] and corpus.texts[i] is None:
            cols.status[i] = "rejected"
            cols.reason[i] = "no text left after removing site boilerplate"
            corpus.ok[i] = False
    return learned


def lexical_pairs(corpus: Corpus, settings: Settings, executor: Executor, progress: Progress, first_new: int = 0,
                  reference_keys=None) -> Pairs:
    """Exact groups and near/partial candidates (group-by-key), verified in chunks by the executor.
    Rows before `first_new` are reference documents: pairs among them are not looked for, and
    their candidate keys are searched in `reference_keys` (lexical/keyindex.py)."""
    with progress.task("Finding candidates"):
        corpus.representative = lexical.exact_representatives(corpus.fingerprints.exact_hash, corpus.ok)
        candidates = lexical.find_candidates(corpus.fingerprints, corpus.representative, settings.lexical,
                                             executor.group_pairs, first_new, reference_keys)
    corpus.fingerprints = _without_candidate_keys(corpus.fingerprints)
    n_candidates = len(candidates.pairs)
    with progress.task("Verifying candidate pairs", unit="pairs", total=n_candidates) as tick:
        exact_rep = corpus.representative.copy()
        exact_rep[:first_new] = -1
        if first_new:  # reference texts are read from their shards: read the needed ones at once
            corpus.texts.prefetch(np.concatenate([candidates.pairs.ravel(), exact_rep[exact_rep >= 0]]))
        check = functools.partial(lexical.verify_chunk, settings=settings.lexical)
        # ~4 chunks per worker, at most VERIFY_CHUNK_PAIRS: a worker holds one chunk's texts
        chunk = min(max(200, -(-n_candidates // (4 * executor.workers))), VERIFY_CHUNK_PAIRS)
        verified = executor.map(check, lexical.candidate_chunks(corpus.texts, candidates, chunk))
        first = next(verified, None)  # the workers have their first chunks: check exact copies meanwhile
        pairs = lexical.verify_exact(corpus.texts, exact_rep)  # reads the duplicates' texts, a batch at a time
        for k, part in enumerate(itertools.chain([first] if first is not None else [], verified)):
            pairs.extend(part)
            tick(min(chunk, n_candidates - k * chunk))  # chunks are in order, each `chunk` pairs but the last
    return pairs


def _without_candidate_keys(fp: lexical.Fingerprints) -> lexical.Fingerprints:
    """The fingerprints less MinHash and anchors, which nothing uses once the candidates are
    found (~1.5 KB a document: 1.5 GB at 1M documents, freed before verification)."""
    return lexical.Fingerprints(
        exact_hash=fp.exact_hash, n_words=fp.n_words, minhash=np.zeros((0, fp.minhash.shape[1]), dtype=fp.minhash.dtype),
        anchor_hash=np.zeros(0, dtype=fp.anchor_hash.dtype), anchor_row=np.zeros(0, dtype=fp.anchor_row.dtype),
    )


def rewrite_pairs(corpus: Corpus, lexical_found: Pairs, settings: Settings, executor: Executor, progress: Progress,
                  first_new: int = 0, vector_caches=(), kept_vectors: dict | None = None):
    """Rewrite and related pairs (sentence embeddings) among documents the lexical tier left
    apart; per-pair work and embedding batches run through the executor. Rows before
    `first_new` are reference documents; `vector_caches` hold sentence vectors reference runs
    kept, and the vectors computed here go into `kept_vectors` (rewrite/vector_cache.py)."""
    from .rewrite import find_rewrites  # its model libraries load only when the tier runs

    with progress.task("Looking for rewrites"):
        return find_rewrites(
            corpus.texts, corpus.signatures, corpus.fingerprints.n_words, corpus.representative, lexical_found,
            settings.rewrite, executor, first_new=first_new, vector_caches=vector_caches, kept_vectors=kept_vectors,
        )


def add_overlap_scores(pairs: Pairs, corpus: Corpus, settings: Settings) -> None:
    """Jaccard and containment of the shingle sets for pairs found without them (rewrites), so
    every pair in pairs.parquet and the report carries both word-overlap figures."""
    missing = [k for k, j in enumerate(pairs.jaccard) if j is None]
    for start in range(0, len(missing), 1024):  # bounded batches: shingle sets of ~2k texts at a time
        chunk = missing[start:start + 1024]
        rows = sorted({r for k in chunk for r in (pairs.a[k], pairs.b[k])})
        sets = dict(zip(rows, lexical.shingle_sets([corpus.texts[r] or "" for r in rows], settings.lexical.shingle_words)))
        for k in chunk:
            sa, sb = sets[pairs.a[k]], sets[pairs.b[k]]
            shared = len(np.intersect1d(sa, sb, assume_unique=True))
            _, jaccard, containment, _ = lexical.classify_overlap(shared, len(sa), len(sb), settings.lexical)
            pairs.jaccard[k], pairs.containment[k] = round(jaccard, 6), round(containment, 6)


def choose_groups(corpus: Corpus, pairs: Pairs) -> tuple[np.ndarray, Originals]:
    """Groups (connected components of the verified pairs) and each group's original."""
    cols = corpus.columns
    pairs = pairs.with_relations(GROUPING_RELATIONS)  # "related" pairs are shown, never grouped
    groups = connected_groups(len(corpus), pairs.a, pairs.b)
    facts = DocumentFacts(
        doc_id=cols.doc_id, date=cols.date, n_words=corpus.fingerprints.n_words, kind=cols.kind, title=cols.title,
        url=cols.url, site=cols.site, chrome_lines=cols.chrome_lines,
    )
    return groups, choose_originals(groups, pairs, facts)


def changed_rows(learned: Boilerplate) -> np.ndarray:
    """Rows whose text boilerplate removal changed."""
    return np.array([i for i, drop in enumerate(learned.drops) if drop is not None and len(drop)], dtype=np.int64)


def output_tables(corpus: Corpus, pairs: Pairs, groups: np.ndarray, originals: Originals, learned: Boilerplate,
                  index=None) -> tuple[pa.Table, pa.Table, pa.Table, dict, RowTexts | None]:
    """documents, pairs and boilerplate tables, the summary, and the text store the documents'
    text column comes from (None when the table holds it); with reference runs (`index`), the
    new documents only. Texts held in memory are the column itself (zero copy); texts in the
    work folder's shards stay there, and the writers read them a row group at a time."""
    texts = index.new_texts if index is not None else corpus.texts
    column = texts.column() if isinstance(texts, TextStore) else None
    if index is not None:
        documents = index.new_documents_table(corpus, groups, originals, column)
        pair_table = index.new_pairs_table(pairs, corpus)
    else:
        documents = documents_table(corpus.columns, column, corpus.fingerprints.n_words, originals,
                                    in_groups(groups), corpus.ok, corpus.boilerplate_lines)
        pair_table = pairs_table(pairs, corpus.columns.doc_id)
    boilerplate = boilerplate_table(learned)
    return documents, pair_table, boilerplate, summarize(documents, pair_table, boilerplate), \
        (None if column is not None else texts)
