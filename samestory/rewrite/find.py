"""The rewrite stage, a cascade that spends model time only where it decides something:

1. candidates (candidates.py): documents sharing a paraphrase-robust signature, minus pairs the
   lexical tiers already put in one group;
2. lexical screen: enough sentences sharing content words (`lexical_sentence_coverage`);
3. static screen (workers, per chunk of pairs): sentences embedded with the static model
   (static_model.py, ~10,000 sentences/s), aligned, and scored by decision.STATIC_COEFFICIENTS:
   below `static_reject` the pair is dropped, at `static_accept` or above it is a rewrite on
   this evidence (the judge agreed on every such pair of the fitting corpus), else it goes on;
4. full model (workers): the remaining pairs' countable sentences (of a much longer document,
   only those its partner's sentences can align with: `sentences_to_judge`), each unique sentence once,
   sorted by token count and cut into fixed batches (so a sentence's vector never depends on
   the number of workers), embedded with the judge model (all-MiniLM-L6-v2);
5. judge (workers, per chunk of pairs): alignment (align.py), features and the fitted logistic
   decision (decision.py). A pair that fails it but passes the alignment gate (align.py's rule)
   or shares `related_min_verbatim` verbatim sentences is written as `related`: shown, never grouped.
Results come back in candidate order whatever the executor, so outputs do not depend on it.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import time
from dataclasses import dataclass

import numpy as np

from ..config import RewriteSettings
from ..group import connected_groups
from ..groupby import sorted_unique
from ..records import AlignedSentences, NameVariant, Pairs, RewriteEvidence
from . import decision
from .align import Alignment, align_sentences
from .candidates import rewrite_candidates
from .names import name_variants
from .sentences import split_for_alignment
from .signature import Signatures

__all__ = ["RewriteStats", "find_rewrites", "rewrite_evidence", "judge_pair"]


@dataclass
class RewriteStats:
    candidates: int = 0
    candidate_documents: int = 0  # documents with at least one candidate partner
    prefiltered_out: int = 0
    static_rejected: int = 0
    static_accepted: int = 0
    checked: int = 0              # pairs judged with the full model
    found: int = 0
    related: int = 0
    documents_embedded: int = 0
    sentences_embedded: int = 0
    sentences_cached: int = 0     # full-model vectors reused from reference runs
    embed_seconds: float = 0.0    # full model, summed over workers
    model_load_seconds: float = 0.0
    static_screen: str = "on"


@dataclass(frozen=True)
class Verdict:
    """What the cascade decided for one pair (judge: "static" or "full")."""

    relation: str | None          # "rewrite", "related" or None
    alignment: Alignment
    features: decision.RewriteFeatures
    score: float
    threshold: float
    judge: str
    variants: tuple[dict, ...] = ()  # name variants in the aligned sentences (names.name_variants)


def rewrite_evidence(al: Alignment, settings: RewriteSettings, found_by: tuple[str, ...], extra: dict | None = None,
                     verdict: Verdict | None = None) -> RewriteEvidence:
    """The evidence of a rewrite pair: the alignment's figures, its sentence pairs, name variants,
    and (when decided) the decision's features, score and threshold."""
    if verdict is not None:
        variants = verdict.variants
    else:
        sentence_pairs = [(al.sentences_a[i], al.sentences_b[j]) for i, j, _ in al.aligned]
        variants = name_variants(sentence_pairs, settings.name_min_similarity)
    return RewriteEvidence(
        found_by=tuple(found_by),
        doc_cosine=al.doc_cosine,
        coverage_a=al.coverage_a,
        coverage_b=al.coverage_b,
        order=al.order,
        one_to_one=al.one_to_one,
        strong_pairs=al.strong,
        sentences=(len(al.sentences_a), len(al.sentences_b)),
        aligned=tuple(
            AlignedSentences(i, j, al.sentences_a[i], al.sentences_b[j], round(sim, 4)) for i, j, sim in al.aligned
        ),
        name_variants=tuple(NameVariant(**v) for v in variants),
        extra=tuple(sorted((extra or {}).items())),
        decision=None if verdict is None else (
            ("features", verdict.features.as_dict()), ("judge", verdict.judge),
            ("score", verdict.score), ("threshold", verdict.threshold),
        ),
    )


_CONTENT = re.compile(r"[^\W_]{4,}|\d+")


def _content_words(sentence: str) -> frozenset[str]:
    """Words of 4+ letters cut to 6 (a crude, language-neutral stem) and numbers."""
    return frozenset(w.casefold()[:6] for w in _CONTENT.findall(sentence))


def lexical_sentence_coverage(a: list[frozenset], b: list[frozenset], min_overlap: float) -> float:
    """Share of the shorter document's sentences whose content words overlap some sentence of
    the other by at least `min_overlap` (overlap coefficient).

    A paraphrase or translation round trip keeps names, numbers and many content words in
    each sentence (the seeds: every sentence 0.44-0.80); an independent article on the same
    event shares them only in some sentences, unrelated ones in almost none.
    """
    if len(a) > len(b):
        a, b = b, a
    a = [x for x in a if x]
    b = [y for y in b if y]
    if not a or not b:
        return 0.0
    hits = 0
    for x in a:
        for y in b:
            if len(x & y) >= min_overlap * min(len(x), len(y)):
                hits += 1
                break
    return hits / len(a)


# --- one pair ---------------------------------------------------------------------------

def _embedded(sentences: list[str], rows: np.ndarray, vectors: np.ndarray, dim: int) -> np.ndarray:
    """A (len(sentences), dim) matrix with the countable rows filled (align_sentences reads only those)."""
    out = np.zeros((len(sentences), dim), dtype=np.float32)
    if len(rows):
        out[rows] = vectors
    return out


def judge_pair(sa: list[str], va: np.ndarray, sb: list[str], vb: np.ndarray, settings: RewriteSettings,
               judge: str) -> Verdict:
    """Align two documents (va, vb: unit vectors of their countable sentences, in order) and
    decide with the full model's coefficients (judge="full") or the static ones ("static")."""
    rows_a = decision.countable_rows(sa, settings.min_sentence_words)
    rows_b = decision.countable_rows(sb, settings.min_sentence_words)
    dim = va.shape[1] if va.ndim == 2 and va.shape[0] else (vb.shape[1] if vb.ndim == 2 and vb.shape[0] else 1)
    al = align_sentences(sa, _embedded(sa, rows_a, va, dim), sb, _embedded(sb, rows_b, vb, dim), settings)
    variants = tuple(name_variants([(al.sentences_a[i], al.sentences_b[j]) for i, j, _ in al.aligned],
                                   settings.name_min_similarity))
    features = decision.alignment_features(al, rows_a, va, rows_b, vb, len(variants))
    if judge == "static":
        score = decision.score(features, decision.STATIC_COEFFICIENTS)
        relation = "rewrite" if score >= settings.static_accept else None
        return Verdict(relation, al, features, round(score, 4), settings.static_accept, judge, variants)
    score = decision.score(features)
    if score >= settings.decision_threshold:
        relation = "rewrite"
    else:
        verbatim = round(features.verbatim_share * min(len(rows_a), len(rows_b)))
        related = al.is_rewrite or (settings.related_min_verbatim > 0 and verbatim >= settings.related_min_verbatim)
        relation = "related" if related else None
    return Verdict(relation, al, features, round(score, 4), settings.decision_threshold, judge, variants)


# --- work done in the executor's workers --------------------------------------------------

Needed = tuple  # (positions of a, positions of b): countable sentences the judge reads, None = all


@dataclass(frozen=True)
class PairChunk:
    """A self-contained job: pairs (k, 2), the sentences of their documents and, for the judge,
    the full model's vectors of each document's countable sentences and, per pair, the ones
    it may read (`needed`)."""

    index: np.ndarray
    pairs: np.ndarray
    sentences: dict[int, list[str]]
    vectors: dict[int, np.ndarray] | None = None
    needed: list[Needed] | None = None


def _static_vectors(sentences: dict[int, list[str]], settings: RewriteSettings) -> dict[int, np.ndarray]:
    from .static_model import load_static_model

    model = load_static_model(settings.static_model or None)
    rows = {row: decision.countable_rows(sents, settings.min_sentence_words) for row, sents in sentences.items()}
    unique = sorted({sents[i] for row, sents in sentences.items() for i in rows[row].tolist()})
    if not unique:
        return {row: np.zeros((0, 1), np.float32) for row in sentences}
    # no joblib pool of its own (model2vec starts one past 10,000 sentences): the executor's
    # workers are the parallelism, and a pool inside each would oversubscribe the cores
    v = np.asarray(model.encode(unique, show_progress_bar=False, use_multiprocessing=False), dtype=np.float32)
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    at = {s: k for k, s in enumerate(unique)}
    return {row: v[[at[sents[i]] for i in rows[row].tolist()]] if len(rows[row]) else np.zeros((0, v.shape[1]), np.float32)
            for row, sents in sentences.items()}


def sentences_to_judge(va: np.ndarray, vb: np.ndarray, settings: RewriteSettings) -> Needed:
    """Which countable sentences of each document the full model must embed for this pair
    (None: all), from the static vectors va, vb.

    Of a document at least `judge_length_ratio` times longer than the other (an excerpt of a
    long page, mostly), only the `judge_top_k` sentences nearest each of the shorter's and their
    neighbours: the alignment gives each shorter sentence one counterpart, which the static model
    ranks among its nearest, and gap filling and merges reach at most the neighbours of aligned
    sentences; the rest of the longer document aligns with nothing (BENCHMARKS.md §3 has what it
    saves and what it changed)."""
    na, nb = len(va), len(vb)
    k = settings.judge_top_k
    if k == 0 or not na or not nb or max(na, nb) < settings.judge_length_ratio * min(na, nb):
        return None, None
    short, long = (va, vb) if na < nb else (vb, va)
    if k >= len(long):
        return None, None
    nearest = np.argsort(-(short @ long.T), axis=1, kind="stable")[:, :k]
    reach = max(1, (settings.gap_max_sentences + 1) // 2)
    near = sorted_unique(nearest[:, :, None] + np.arange(-reach, reach + 1))
    near = near[(near >= 0) & (near < len(long))]
    return (None, near) if na < nb else (near, None)


def screen_chunk(job: PairChunk, settings: RewriteSettings, static: bool) -> list[tuple[str, object]]:
    """Per pair: ("lexical", None) screened out by content words; ("static", verdict) decided by
    the static model (verdict.relation None: dropped); ("judge", needed) for the full model,
    `needed` from sentences_to_judge ((None, None) without the static screen)."""
    words = {row: [_content_words(s) for s in sents] for row, sents in job.sentences.items()}
    vectors = _static_vectors(job.sentences, settings) if static else {}
    out: list[tuple[str, Verdict | None]] = []
    for a, b in job.pairs.tolist():
        if settings.prefilter_min_coverage > 0 and (
            lexical_sentence_coverage(words[a], words[b], settings.prefilter_min_overlap) < settings.prefilter_min_coverage
        ):
            out.append(("lexical", None))
            continue
        if not static:
            out.append(("judge", (None, None)))
            continue
        verdict = judge_pair(job.sentences[a], vectors[a], job.sentences[b], vectors[b], settings, "static")
        if verdict.relation is None and verdict.score >= settings.static_reject:
            out.append(("judge", sentences_to_judge(vectors[a], vectors[b], settings)))
        else:
            out.append(("static", verdict))
    return out


def embed_batches(job: tuple[list[list[str]], str, int]) -> tuple[list[np.ndarray], float, float]:
    """Full-model vectors of fixed batches of sentences (model loaded once per worker process);
    returns (vectors per batch, model seconds, load seconds)."""
    batches, model_name, threads = job
    from .embed import load_model

    import torch

    torch.set_num_threads(max(1, threads))
    t0 = time.perf_counter()
    model, _ = load_model(model_name)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = [np.asarray(model.encode(batch, batch_size=len(batch), normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False), dtype=np.float32) for batch in batches]
    return out, time.perf_counter() - t0, load


def _only(vectors: np.ndarray, positions: np.ndarray | None) -> np.ndarray:
    """The rows at `positions` (None: all); the others zero, so they align with nothing. A
    document's vectors may hold more rows (embedded for its other pairs): each pair reads only
    its own, so its decision does not depend on which other candidates the corpus has."""
    if positions is None:
        return vectors
    out = np.zeros_like(vectors)
    out[positions] = vectors[positions]
    return out


def judge_chunk(job: PairChunk, settings: RewriteSettings) -> list[Verdict]:
    return [judge_pair(job.sentences[a], _only(job.vectors[a], need_a), job.sentences[b], _only(job.vectors[b], need_b),
                       settings, "full")
            for (a, b), (need_a, need_b) in zip(job.pairs.tolist(), job.needed)]


# --- the driver -------------------------------------------------------------------------

def _chunks(index: np.ndarray, pairs: np.ndarray, sentences: dict, size: int, vectors: dict | None = None,
            needed: list[Needed] | None = None):
    for start in range(0, len(pairs), size):
        part = pairs[start : start + size]
        rows = sorted_unique(part).tolist()
        yield PairChunk(index[start : start + size], part, {r: sentences[r] for r in rows},
                        None if vectors is None else {r: vectors[r] for r in rows},
                        None if needed is None else needed[start : start + size])


def _token_order(sentences: list[str], model_name: str) -> list[str]:
    """Sentences sorted by token count (then text), so each batch pads little; character length
    when the model folder has no fast tokenizer."""
    from .embed import resolve_model

    path = os.path.join(resolve_model(model_name), "tokenizer.json")
    if os.path.exists(path):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(path)
        # The packaged tokenizer.json pads and truncates every sentence to 128 tokens; left on,
        # every length reads 128 and the sort falls back to the text (3.2x more padded tokens).
        tokenizer.no_padding()
        tokenizer.no_truncation()
        lengths = [len(e.ids) for e in tokenizer.encode_batch(sentences)]
    else:
        lengths = [len(s) for s in sentences]
    return [s for _, s in sorted(zip(lengths, sentences))]


def static_screen_state(settings: RewriteSettings) -> str:
    """"on", or why the static screen is off (the full model then judges every pair)."""
    if not settings.static_screen:
        return "off (settings)"
    from .static_model import StaticModelError, load_static_model

    try:
        load_static_model(settings.static_model or None)
    except StaticModelError as exc:
        print(f"samestory: rewrite static screen off: {exc}", file=sys.stderr)
        return f"off ({exc})"
    return "on"


def _positions_per_row(pairs: np.ndarray, needed: list[Needed]) -> dict[int, np.ndarray | None]:
    """Per document, the union of the countable positions its pairs need (None: all)."""
    out: dict[int, set | None] = {}
    for (a, b), sides in zip(pairs.tolist(), needed):
        for row, positions in zip((a, b), sides):
            if positions is None:
                out[row] = None
            elif out.get(row, ()) is not None:
                out.setdefault(row, set()).update(positions.tolist())
    return {row: None if p is None else np.array(sorted(p), dtype=np.int64) for row, p in sorted(out.items())}


def _embed_full(positions: dict[int, np.ndarray | None], sentences: dict[int, list[str]], settings: RewriteSettings,
                executor, stats: RewriteStats, caches=(), kept: dict | None = None) -> dict[int, np.ndarray]:
    """Vectors of each row's countable sentences (zero rows outside `positions`): every unique
    sentence once, in fixed batches; sentences an earlier run kept (`caches`, VectorCache of
    reference runs) are not embedded again. The vectors computed here go into `kept`."""
    rows = list(positions)
    countable = {r: decision.countable_rows(sentences[r], settings.min_sentence_words) for r in rows}
    wanted = {r: countable[r] if positions[r] is None else countable[r][positions[r]] for r in rows}
    unique = sorted({sentences[r][i] for r in rows for i in wanted[r].tolist()})
    at: dict[str, np.ndarray] = {}
    for cache in caches:
        at.update(cache.lookup([s for s in unique if s not in at]))
    stats.sentences_cached = len(at)
    ordered = _token_order([s for s in unique if s not in at], settings.model)
    size = settings.embed_batch_size
    batches = [ordered[k : k + size] for k in range(0, len(ordered), size)]
    threads = max(1, (os.cpu_count() or 1) // executor.workers)
    jobs = [(batches[k : k + 4], settings.model, threads) for k in range(0, len(batches), 4)]
    for job, (vectors, seconds, load) in zip(jobs, executor.map(embed_batches, jobs)):
        for batch, v in zip(job[0], vectors):
            at.update(zip(batch, v))
            if kept is not None:
                kept.update(zip(batch, v))
        stats.embed_seconds += seconds
        stats.model_load_seconds = max(stats.model_load_seconds, load)
    stats.documents_embedded, stats.sentences_embedded = len(rows), len(ordered)
    dim = next(iter(at.values())).shape[0] if at else 1
    out = {}
    for r in rows:
        vectors = np.zeros((len(countable[r]), dim), np.float32)
        for k, i in enumerate(countable[r].tolist()):
            if sentences[r][i] in at:
                vectors[k] = at[sentences[r][i]]
        out[r] = vectors
    return out


def find_rewrites(texts, signatures: Signatures, n_words: np.ndarray, representative: np.ndarray, verified: Pairs,
                  settings: RewriteSettings, executor=None, first_new: int = 0, vector_caches=(),
                  kept_vectors: dict | None = None) -> tuple[Pairs, RewriteStats]:
    """Rewrite and related pairs among documents that head their exact group and that the
    lexical pairs (`verified`) have not already put in one group; rows before `first_new` are
    reference documents, compared with newer rows only. Full-model vectors of sentences in
    `vector_caches` (reference runs') are reused; those computed go into `kept_vectors`."""
    from ..executors import LocalExecutor

    executor = executor or LocalExecutor(1)
    stats = RewriteStats()
    n = len(texts)
    allowed = (representative == np.arange(n)) & (np.asarray(n_words) >= settings.min_words)
    pairs, shared, overlap = rewrite_candidates(signatures.feature_hash, signatures.row, allowed, settings)
    if first_new and len(pairs):
        new = pairs[:, 1] >= first_new
        pairs, shared, overlap = pairs[new], shared[new], overlap[new]
    if len(pairs):
        groups = connected_groups(n, verified.a, verified.b)  # skip pairs the lexical tier grouped
        fresh = groups[pairs[:, 0]] != groups[pairs[:, 1]]
        pairs, shared, overlap = pairs[fresh], shared[fresh], overlap[fresh]
    stats.candidates = len(pairs)
    stats.candidate_documents = len(sorted_unique(pairs))
    if not len(pairs):
        return Pairs(), stats
    rows = sorted_unique(pairs)
    sentences = dict(zip(rows.tolist(), map(split_for_alignment, texts.take(rows))))  # texts: a textstore store
    stats.static_screen = static_screen_state(settings)
    size = max(50, -(-len(pairs) // (4 * executor.workers)))
    index = np.arange(len(pairs))
    verdicts: list[Verdict | None] = [None] * len(pairs)
    to_judge: list[int] = []
    needed: list[Needed] = []
    screen = functools.partial(screen_chunk, settings=settings, static=stats.static_screen == "on")
    jobs = list(_chunks(index, pairs, sentences, size))
    for job, results in zip(jobs, executor.map(screen, jobs)):
        for k, (step, result) in zip(job.index.tolist(), results):
            stats.prefiltered_out += step == "lexical"
            if step == "judge":
                to_judge.append(k)
                needed.append(result)
            elif step == "static":
                verdicts[k] = verdict = result
                stats.static_accepted += verdict.relation == "rewrite"
                stats.static_rejected += verdict.relation is None
    if to_judge:
        judge_index = np.array(to_judge, dtype=np.int64)
        vectors = _embed_full(_positions_per_row(pairs[judge_index], needed), sentences, settings, executor, stats,
                              vector_caches, kept_vectors)
        jobs = list(_chunks(judge_index, pairs[judge_index], sentences, size, vectors, needed))
        for job, results in zip(jobs, executor.map(functools.partial(judge_chunk, settings=settings), jobs)):
            for k, verdict in zip(job.index.tolist(), results):
                verdicts[k] = verdict
        stats.checked = len(to_judge)
    out = Pairs()
    for k, verdict in enumerate(verdicts):
        if verdict is None or verdict.relation is None:
            continue
        a, b = int(pairs[k, 0]), int(pairs[k, 1])
        extra = {"shared_features": int(shared[k]), "signature_overlap": round(float(overlap[k]), 4)}
        evidence = rewrite_evidence(verdict.alignment, settings, ("rewrite-signature",), extra, verdict)
        out.add(a, b, verdict.relation, verdict.score, None, None, evidence)
        stats.found += verdict.relation == "rewrite"
        stats.related += verdict.relation == "related"
    return out, stats
