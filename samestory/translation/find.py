"""The translation stage, a cascade that spends model time only on pairs worth it:

1. candidates (`translation_candidates`): documents in different languages sharing signature
   features that survive translation (signature.py: numbers, hosts, transliterated name
   skeletons), from the group-by-key over those features (`groupby.pairs_within_groups`, as
   the rewrite tier's candidates), minus pairs the earlier tiers already put in one group;
2. anchor screen (workers, per chunk of pairs): the share of the shorter document's sentences
   holding numbers or names that meet a sentence of the other (`anchor_coverage`); a pair
   below `screen_min_coverage` is dropped without the model;
3. judge embedding (workers, model loaded once per worker by `executor.map_with_state`): the
   sentences of the surviving pairs' documents, each unique sentence once, in fixed batches
   sorted by length (a vector never depends on the worker count), with multilingual-e5
   (embed.py);
4. decision (workers, per chunk of pairs): one-to-one alignment (rewrite/align.py's
   align_sentences, unchanged), features and the fitted logistic decision (decision.py) ->
   `translation` pairs with their evidence (records.TranslationEvidence).
`find_translations` is the front: arrays and a text store in, Pairs out, in candidate order
whatever the executor.
"""

from __future__ import annotations

import functools
import os
import re
import time
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Sequence

import numpy as np

from ..config import TranslationSettings
from ..group import connected_groups
from ..groupby import pairs_within_groups, sorted_unique, unique_pairs
from ..records import GROUPING_RELATIONS, AlignedSentences, NameVariant, Pairs, TranslationEvidence
from ..rewrite.align import Alignment, align_sentences
from ..rewrite.sentences import split_for_alignment
from . import decision
from .signature import TranslationSignatures, _names, name_key, sentence_anchors, text_units

__all__ = ["TranslationStats", "Verdict", "anchor_coverage", "find_translations", "judge_pair",
           "translation_candidates", "translation_evidence", "translation_sentences"]


@dataclass
class TranslationStats:
    candidates: int = 0
    candidate_documents: int = 0
    screened_out: int = 0         # dropped by the anchor screen
    checked: int = 0              # pairs judged with the model
    found: int = 0
    documents_embedded: int = 0
    sentences_embedded: int = 0
    embed_seconds: float = 0.0    # judge model, summed over workers
    languages: dict = field(default_factory=dict)  # documents per language among those compared


@dataclass(frozen=True)
class Verdict:
    relation: str | None          # "translation" or None
    alignment: Alignment
    features: decision.TranslationFeatures
    score: float
    threshold: float


# --- sentences -----------------------------------------------------------------------------

_CJK_END = re.compile(r"(?<=[\u3002\uff01\uff1f])(?=\S)")  # CJK full stops need no space after them


@functools.lru_cache(maxsize=1 << 14)
def _sentences(text: str, min_units: int, max_sentences: int) -> tuple[str, ...]:
    out = []
    for sentence in split_for_alignment(text):
        for part in _CJK_END.split(sentence):
            part = part.strip()
            if part and text_units(part) >= min_units:
                out.append(part)
                if len(out) == max_sentences:
                    return tuple(out)
    return tuple(out)


def translation_sentences(text: str | None, settings: TranslationSettings) -> list[str]:
    """The sentences the tier aligns: split as the rewrite tier splits (plus CJK full stops),
    those of at least `min_sentence_units` text units, the first `max_sentences` of them."""
    if not text:
        return []
    return list(_sentences(text, settings.min_sentence_units, settings.max_sentences))


# --- candidates ----------------------------------------------------------------------------

def translation_candidates(keys: np.ndarray, owners: np.ndarray, allowed: np.ndarray, language: np.ndarray,
                           settings: TranslationSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (k, 2), i < j, among the allowed rows and in different languages
    (`language`: an integer code per row), with their shared-feature counts and overlap."""
    n = len(allowed)
    empty = (np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
    if len(owners):
        keep = allowed[owners]
        keys, owners = keys[keep], owners[keep]
    if not len(keys):
        return empty
    _, inverse, df = np.unique(keys, return_inverse=True, return_counts=True)
    usable = df[inverse] <= settings.max_feature_df
    keys, owners = keys[usable], owners[usable]
    sig_size = np.bincount(owners, minlength=n)
    pairs = pairs_within_groups(keys, owners, settings.max_bucket_pairs_size, max_group=settings.max_feature_df)
    pairs, shared = unique_pairs(pairs, n)
    if not len(pairs):
        return empty
    smaller = np.minimum(sig_size[pairs[:, 0]], sig_size[pairs[:, 1]]).astype(np.float64)
    overlap = shared / np.maximum(smaller, 1.0)
    keep = ((shared >= settings.min_shared_features) & (overlap >= settings.min_signature_overlap)
            & (language[pairs[:, 0]] != language[pairs[:, 1]]))
    pairs, shared, overlap = pairs[keep], shared[keep], overlap[keep]
    if not len(pairs):
        return empty
    cap = settings.max_candidates_per_doc  # a pair stays when among the best of either document
    order = np.lexsort((pairs[:, 1], pairs[:, 0], -overlap))
    taken = np.zeros(n, dtype=np.int64)
    chosen = np.zeros(len(pairs), dtype=bool)
    for k in order.tolist():
        a, b = int(pairs[k, 0]), int(pairs[k, 1])
        if taken[a] < cap or taken[b] < cap:
            chosen[k] = True
            taken[a] += 1
            taken[b] += 1
    return pairs[chosen], shared[chosen], overlap[chosen]


# --- one pair ------------------------------------------------------------------------------

def anchor_coverage(a: list[frozenset], b: list[frozenset]) -> float:
    """Share of the shorter document's anchored sentences (numbers, hosts, names) sharing an
    anchor with some sentence of the other. A translation keeps each sentence's numbers and
    names; an article on the same event shares them in some sentences only."""
    if len(a) > len(b):
        a, b = b, a
    a = [x for x in a if x]
    if not a:
        return 0.0
    pool = frozenset().union(*b) if b else frozenset()
    return sum(1 for x in a if x & pool) / len(a)


def _align_settings(settings: TranslationSettings) -> SimpleNamespace:
    """What align_sentences reads; every sentence given counts (translation_sentences chose them)."""
    return SimpleNamespace(min_sentence_words=1, min_similarity=settings.min_similarity,
                           gap_min_similarity=settings.gap_min_similarity, gap_max_sentences=settings.gap_max_sentences,
                           min_coverage=settings.min_coverage, min_aligned=settings.min_aligned,
                           min_order=settings.min_order)


def judge_pair(sa: list[str], va: np.ndarray, sb: list[str], vb: np.ndarray, settings: TranslationSettings) -> Verdict:
    """Align two documents' sentences (va, vb: their unit vectors, in order) and decide."""
    al = align_sentences(list(sa), va, list(sb), vb, _align_settings(settings))
    features = decision.alignment_features(al, va, vb)
    p = decision.score(features)
    relation = "translation" if p >= settings.decision_threshold and al.strong >= settings.min_aligned else None
    return Verdict(relation, al, features, round(p, 4), settings.decision_threshold)


def matched_names_numbers(al: Alignment) -> tuple[list[tuple[str, str]], list[str]]:
    """Names on both sides of an aligned pair whose skeletons agree (equal, or rapidfuzz Indel
    similarity >= 0.8: Hvistendahl 'fstntl' ~ Хвистендаль 'kfstntl'), as each side spells
    them, and the numbers both sides of an aligned pair hold (digits)."""
    from rapidfuzz.distance import Indel

    names: set[tuple[str, str]] = set()
    numbers: set[str] = set()
    for i, j, _ in al.aligned:
        x, y = al.sentences_a[i], al.sentences_b[j]
        keys_y = [(name_key(n), n) for n in _names(y)]
        for name in _names(x):
            key = name_key(name)
            if len(key) < 2:
                continue
            best = max(keys_y, key=lambda ky: Indel.normalized_similarity(key, ky[0]), default=None)
            if best is not None and Indel.normalized_similarity(key, best[0]) >= 0.8:
                names.add((name, best[1]))
        numbers.update(f[1:] for f in sentence_anchors(x) & sentence_anchors(y) if f.startswith("#"))
    return sorted(names), sorted(numbers, key=lambda d: (len(d), d))


def translation_evidence(verdict: Verdict, languages: tuple[str | None, str | None], found_by: tuple[str, ...],
                         extra: dict | None = None) -> TranslationEvidence:
    al = verdict.alignment
    names, numbers = matched_names_numbers(al)
    return TranslationEvidence(
        found_by=tuple(found_by), languages=languages, coverage_a=al.coverage_a, coverage_b=al.coverage_b,
        order=al.order, one_to_one=al.one_to_one, strong_pairs=al.strong,
        sentences=(len(al.sentences_a), len(al.sentences_b)),
        aligned=tuple(AlignedSentences(i, j, al.sentences_a[i], al.sentences_b[j], round(s, 4)) for i, j, s in al.aligned),
        names=tuple(NameVariant(a, b, 1.0) for a, b in names),
        numbers=tuple(numbers),
        extra=tuple(sorted((extra or {}).items())),
        decision=(("features", verdict.features.as_dict()), ("judge", "e5"), ("score", verdict.score),
                  ("threshold", verdict.threshold)),
    )


# --- work done in the executor's workers ---------------------------------------------------

@dataclass(frozen=True)
class PairChunk:
    """A self-contained job: pairs (k, 2), their documents' sentences and, for the decision,
    their vectors."""

    index: np.ndarray
    pairs: np.ndarray
    sentences: dict[int, tuple[str, ...]]
    vectors: dict[int, np.ndarray] | None = None


def screen_chunk(job: PairChunk, settings: TranslationSettings) -> list[bool]:
    anchors = {row: [sentence_anchors(s) for s in sents] for row, sents in job.sentences.items()}
    if settings.screen_min_coverage <= 0:
        return [True] * len(job.pairs)
    return [anchor_coverage(anchors[a], anchors[b]) >= settings.screen_min_coverage for a, b in job.pairs.tolist()]


def embed_job(judge, batches: list[list[str]]) -> tuple[list[np.ndarray], float]:
    """Vectors of fixed batches of sentences with this worker's judge (map_with_state)."""
    t0 = time.perf_counter()
    out = [judge.embed(batch) for batch in batches]
    return out, time.perf_counter() - t0


def decide_chunk(job: PairChunk, settings: TranslationSettings) -> list[Verdict]:
    return [judge_pair(job.sentences[a], job.vectors[a], job.sentences[b], job.vectors[b], settings)
            for a, b in job.pairs.tolist()]


def _chunks(index: np.ndarray, pairs: np.ndarray, sentences: dict, size: int, vectors: dict | None = None):
    for start in range(0, len(pairs), size):
        part = pairs[start : start + size]
        rows = sorted_unique(part).tolist()
        yield PairChunk(index[start : start + size], part, {r: sentences[r] for r in rows},
                        None if vectors is None else {r: vectors[r] for r in rows})


def _embed(sentences: dict[int, tuple[str, ...]], settings: TranslationSettings, executor,
           stats: TranslationStats) -> dict[int, np.ndarray]:
    from .embed import load_judge

    unique = sorted({s for sents in sentences.values() for s in sents}, key=lambda s: (len(s), s))
    size = settings.judge_batch_size
    batches = [unique[k : k + size] for k in range(0, len(unique), size)]
    jobs = [batches[k : k + 4] for k in range(0, len(batches), 4)]
    threads = max(1, (os.cpu_count() or 1) // max(1, executor.workers))
    at: dict[str, np.ndarray] = {}
    for job, (vectors, seconds) in zip(jobs, executor.map_with_state(functools.partial(load_judge, threads),
                                                                     embed_job, jobs)):
        for batch, v in zip(job, vectors):
            at.update(zip(batch, v))
        stats.embed_seconds += seconds
    stats.documents_embedded, stats.sentences_embedded = len(sentences), len(unique)
    dim = next(iter(at.values())).shape[0] if at else 1
    return {r: np.stack([at[s] for s in sents]) if sents else np.zeros((0, dim), np.float32)
            for r, sents in sentences.items()}


def _language_codes(languages: Sequence[str | None], wanted: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """(integer code per row, -1 unknown; rows whose language may be compared)."""
    codes = {}
    out = np.full(len(languages), -1, dtype=np.int64)
    for k, lang in enumerate(languages):
        if lang and (not wanted or lang.casefold() in wanted):
            out[k] = codes.setdefault(lang.casefold(), len(codes))
    return out, out >= 0


def find_translations(texts, signatures: TranslationSignatures, languages: Sequence[str | None],
                      representative: np.ndarray, known: Pairs, settings: TranslationSettings, executor=None,
                      first_new: int = 0) -> tuple[Pairs, TranslationStats]:
    """Translation pairs among documents that head their exact group, have a known language (in
    `settings.languages` when set), and that the pairs found so far (`known`) have not put in one
    group. `texts` reads a row's clean text (`take(rows)`, a textstore store); rows before
    `first_new` are reference documents, compared with newer rows only."""
    from ..executors import LocalExecutor

    executor = executor or LocalExecutor(1)
    stats = TranslationStats()
    n = len(representative)
    code, known_language = _language_codes(languages, settings.language_set)
    allowed = (np.asarray(representative) == np.arange(n)) & known_language
    for lang in sorted({languages[k].casefold() for k in np.flatnonzero(allowed).tolist()}):
        stats.languages[lang] = int(sum(1 for k in np.flatnonzero(allowed).tolist() if languages[k].casefold() == lang))
    pairs, shared, overlap = translation_candidates(signatures.feature_hash, signatures.row, allowed, code, settings)
    if first_new and len(pairs):
        new = pairs[:, 1] >= first_new
        pairs, shared, overlap = pairs[new], shared[new], overlap[new]
    if len(pairs):
        grouping = known.with_relations(GROUPING_RELATIONS)
        groups = connected_groups(n, grouping.a, grouping.b)
        fresh = groups[pairs[:, 0]] != groups[pairs[:, 1]]
        pairs, shared, overlap = pairs[fresh], shared[fresh], overlap[fresh]
    stats.candidates = len(pairs)
    stats.candidate_documents = len(sorted_unique(pairs))
    if not len(pairs):
        return Pairs(), stats
    rows = sorted_unique(pairs)
    sentences = {r: tuple(translation_sentences(t, settings)) for r, t in zip(rows.tolist(), texts.take(rows))}
    size = max(50, -(-len(pairs) // (4 * executor.workers)))
    index = np.arange(len(pairs))
    keep = np.zeros(len(pairs), dtype=bool)
    for job, results in zip(_chunks(index, pairs, sentences, size),
                            executor.map(functools.partial(screen_chunk, settings=settings),
                                         _chunks(index, pairs, sentences, size))):
        keep[job.index] = results
    stats.screened_out = int((~keep).sum())
    judged = np.flatnonzero(keep)
    out = Pairs()
    if not len(judged):
        return out, stats
    judged_rows = sorted_unique(pairs[judged]).tolist()
    vectors = _embed({r: sentences[r] for r in judged_rows}, settings, executor, stats)
    verdicts: list[Verdict | None] = [None] * len(pairs)
    for job, results in zip(_chunks(judged, pairs[judged], sentences, size, vectors),
                            executor.map(functools.partial(decide_chunk, settings=settings),
                                         _chunks(judged, pairs[judged], sentences, size, vectors))):
        for k, verdict in zip(job.index.tolist(), results):
            verdicts[k] = verdict
    stats.checked = len(judged)
    for k, verdict in enumerate(verdicts):
        if verdict is None or verdict.relation is None:
            continue
        a, b = int(pairs[k, 0]), int(pairs[k, 1])
        extra = {"shared_features": int(shared[k]), "signature_overlap": round(float(overlap[k]), 4)}
        evidence = translation_evidence(verdict, (languages[a], languages[b]), ("translation-signature",), extra)
        out.add(a, b, "translation", verdict.score, None, None, evidence)
        stats.found += 1
    return out, stats
