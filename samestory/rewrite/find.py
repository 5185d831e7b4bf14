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
from .names import lower_words, name_variants
from .prose import QUOTE, SHARED, SHORT, SharedLines, evidence_rows, sentence_kinds, shared_lines
from .sentences import sentence_words, split_with_lines
from .signature import Signatures

__all__ = ["RewriteStats", "find_rewrites", "rewrite_evidence", "judge_pair"]


@dataclass
class RewriteStats:
    candidates: int = 0
    candidate_documents: int = 0  # documents with at least one candidate partner
    language_gated: int = 0       # candidates the judge does not read (another language): lexical tiers only
    shared_lines: int = 0         # (document, line) pairs that carry no evidence: shared by many documents
    prefiltered_out: int = 0
    floor_failed: int = 0         # judged pairs below the structural floor (never a rewrite)
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
    judge_runtime: str = ""       # "onnx" or "torch" (rewrite.judge_runtime; empty: the judge did not run)


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
    failed: str | None = None     # why not a rewrite: "floor" (structural floor) or "score" (the fitted decision)
    floor: dict | None = None     # the structural floor's figures (structural_floor)
    shared: tuple[str, ...] = ()  # passages both texts hold verbatim (shared_passages)


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
            ("failed", verdict.failed), ("features", verdict.features.as_dict()), ("floor", verdict.floor),
            ("judge", verdict.judge), ("score", verdict.score), ("threshold", verdict.threshold),
        ),
        shared_passages=() if verdict is None else verdict.shared[:MAX_SHARED_SHOWN],
        shared_passage_count=0 if verdict is None else len(verdict.shared),
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

#: Shared passages written into a pair's evidence (the count says how many there were).
MAX_SHARED_SHOWN = 10
_SPACE = re.compile(r"\s+")


def _fold(sentence: str) -> str:
    return _SPACE.sub(" ", sentence).strip().casefold()


def plain_kinds(sentences: list[str], settings: RewriteSettings) -> np.ndarray:
    """Sentence kinds without corpus knowledge (no line is known to be shared): for texts
    compared alone (`compare`, benchmarks)."""
    return sentence_kinds(sentences, [0] * len(sentences), np.zeros(0, np.uint64), np.zeros(0, np.uint64),
                          settings.min_sentence_words)


def document_kinds(text: str | None, shared: np.ndarray, settings: RewriteSettings,
                   line_max_words: int | None) -> tuple[list[str], np.ndarray]:
    """(sentences, kinds) of one clean text: split_with_lines, its lines hashed as the
    boilerplate tier hashes them (`line_max_words`: its max_words), and prose.sentence_kinds
    against the document's shared line hashes (`shared`)."""
    from ..boilerplate import line_hashes_batch

    sentences, line_of = split_with_lines(text)
    hashes = line_hashes_batch([text], line_max_words).hashes if len(shared) and text else np.zeros(0, np.uint64)
    return sentences, sentence_kinds(sentences, line_of, hashes, shared, settings.min_sentence_words)


def shared_passages(sa: list[str], kinds_a: np.ndarray, sb: list[str], kinds_b: np.ndarray,
                    min_words: int = 3) -> tuple[str, ...]:
    """Sentences of a (3+ words, not a corpus-shared line) that b holds verbatim (case and
    spacing folded), in a's order: copied quotes, list lines, copied prose."""
    folded_b = {_fold(s) for s, k in zip(sb, kinds_b.tolist()) if k != SHARED}
    out: dict[str, None] = {}
    for s, k in zip(sa, kinds_a.tolist()):
        if k != SHARED and sentence_words(s) >= min_words and _fold(s) in folded_b:
            out.setdefault(s.strip(), None)
    return tuple(out)


def structural_floor(al: Alignment, sa: list[str], kinds_a: np.ndarray, sb: list[str], kinds_b: np.ndarray,
                     settings: RewriteSettings) -> dict:
    """The floor no fitted score overrides: at least `floor_min_coverage` of the shorter
    document's prose sentences aligned (out of at least `floor_min_sentences`), with
    `floor_min_order` of the alignment in order. Prose: the evidence sentences (prose.py), less
    the quotes the other text holds verbatim (a shared press-release quote is a shared passage,
    not a rewritten sentence). "Shorter": fewer such sentences."""
    folded = ({_fold(s) for s in sa}, {_fold(s) for s in sb})
    sides = []
    for sents, kinds, other, aligned in ((sa, kinds_a, folded[1], {i for i, _, _ in al.aligned}),
                                         (sb, kinds_b, folded[0], {j for _, j, _ in al.aligned})):
        rows = [i for i in evidence_rows(kinds).tolist() if not (kinds[i] == QUOTE and _fold(sents[i]) in other)]
        sides.append((len(rows), sum(1 for i in rows if i in aligned)))
    (na, ka), (nb, kb) = sides
    cov_a, cov_b = (ka / na if na else 0.0), (kb / nb if nb else 0.0)
    n, k, coverage = (na, ka, cov_a) if (na, -cov_a) <= (nb, -cov_b) else (nb, kb, cov_b)
    passed = (n >= settings.floor_min_sentences and coverage >= settings.floor_min_coverage
              and al.order >= settings.floor_min_order)
    return {"passed": passed, "prose_sentences": n, "prose_aligned": k, "coverage": round(coverage, 4),
            "order": al.order}


def _embedded(sentences: list[str], rows: np.ndarray, vectors: np.ndarray, dim: int) -> np.ndarray:
    """A (len(sentences), dim) matrix with the evidence rows filled (align_sentences reads only those)."""
    out = np.zeros((len(sentences), dim), dtype=np.float32)
    if len(rows):
        out[rows] = vectors
    return out


def judge_pair(sa: list[str], va: np.ndarray, sb: list[str], vb: np.ndarray, settings: RewriteSettings,
               judge: str, kinds_a: np.ndarray | None = None, kinds_b: np.ndarray | None = None) -> Verdict:
    """Align two documents and decide with the full model's coefficients (judge="full") or the
    static ones ("static"). kinds_x: each sentence's kind (prose.py; None: plain_kinds); va, vb:
    unit vectors of the evidence sentences (prose.evidence_rows), in order.

    A rewrite needs the structural floor AND the fitted score. Otherwise `failed` says which
    held it back, and the pair is `related` when its evidence sentences still align (the
    alignment rule, align.py) above the floor, or when the texts share `related_min_verbatim`
    passages verbatim (quotes, lists, copied sentences), which the evidence lists."""
    kinds_a = plain_kinds(sa, settings) if kinds_a is None else kinds_a
    kinds_b = plain_kinds(sb, settings) if kinds_b is None else kinds_b
    rows_a, rows_b = evidence_rows(kinds_a), evidence_rows(kinds_b)
    dim = va.shape[1] if va.ndim == 2 and va.shape[0] else (vb.shape[1] if vb.ndim == 2 and vb.shape[0] else 1)
    al = align_sentences(sa, _embedded(sa, rows_a, va, dim), sb, _embedded(sb, rows_b, vb, dim), settings,
                         rows_a, rows_b)
    common = lower_words(sa) | lower_words(sb)
    variants = tuple(name_variants([(al.sentences_a[i], al.sentences_b[j]) for i, j, _ in al.aligned],
                                   settings.name_min_similarity, common))
    features = decision.alignment_features(al, rows_a, va, rows_b, vb, len(variants))
    floor = structural_floor(al, sa, kinds_a, sb, kinds_b, settings)
    shared = shared_passages(sa, kinds_a, sb, kinds_b)
    related_by_passages = settings.related_min_verbatim > 0 and len(shared) >= settings.related_min_verbatim
    static = judge == "static"
    coefficients = decision.STATIC_COEFFICIENTS if static else None
    score = round(decision.score(features, coefficients), 4)
    threshold = settings.static_accept if static else settings.decision_threshold
    if not floor["passed"]:
        relation, failed = ("related" if related_by_passages else None), "floor"
    elif score >= threshold:
        relation, failed = "rewrite", None
    else:
        failed = "score"
        # the static screen decides only what is sure; an undecided pair goes on to the judge
        relation = None if static else ("related" if al.is_rewrite or related_by_passages else None)
    return Verdict(relation, al, features, score, threshold, judge, variants, failed, floor, shared)


# --- work done in the executor's workers --------------------------------------------------

Needed = tuple  # (positions of a, positions of b): evidence sentences the judge reads, None = all


@dataclass(frozen=True)
class PairChunk:
    """A self-contained job: pairs (k, 2), the sentences of their documents and each
    sentence's kind (prose.py) and, for the judge, the full model's vectors of each document's
    evidence sentences and, per pair, the ones it may read (`needed`)."""

    index: np.ndarray
    pairs: np.ndarray
    sentences: dict[int, list[str]]
    vectors: dict[int, np.ndarray] | None = None
    needed: list[Needed] | None = None
    kinds: dict[int, np.ndarray] | None = None  # None: plain_kinds of each document

    def kinds_of(self, row: int, settings: RewriteSettings) -> np.ndarray:
        return self.kinds[row] if self.kinds is not None else plain_kinds(self.sentences[row], settings)


def _static_vectors(sentences: dict[int, list[str]], kinds: dict[int, np.ndarray],
                    settings: RewriteSettings) -> dict[int, np.ndarray]:
    from .static_model import load_static_model

    model = load_static_model(settings.static_model or None)
    rows = {row: evidence_rows(kinds[row]) for row in sentences}
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
    kinds = {row: job.kinds_of(row, settings) for row in job.sentences}
    vectors = _static_vectors(job.sentences, kinds, settings) if static else {}
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
        verdict = judge_pair(job.sentences[a], vectors[a], job.sentences[b], vectors[b], settings, "static",
                             job.kinds_of(a, settings), job.kinds_of(b, settings))
        if verdict.relation is None and verdict.failed == "score" and verdict.score >= settings.static_reject:
            out.append(("judge", sentences_to_judge(vectors[a], vectors[b], settings)))
        else:
            out.append(("static", verdict))
    return out


def judge_runtime(settings: RewriteSettings) -> str:
    """"onnx" (the install-time ONNX export, no torch in the workers) or "torch"."""
    if settings.judge_runtime == "torch":
        return "torch"
    from .embed import DEFAULT_MODEL
    from .onnx_model import OnnxModelError, onnx_available

    default = settings.model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}")
    if default and onnx_available():
        return "onnx"
    if settings.judge_runtime == "onnx":
        raise OnnxModelError("rewrite.judge_runtime = onnx, but the ONNX export of the default model is not built "
                             "(python -m samestory.rewrite.onnx_model build)" if default else
                             "rewrite.judge_runtime = onnx serves the default model only")
    return "torch"


def embed_batches(job: tuple) -> tuple[list[np.ndarray], float, float]:
    """Full-model vectors of fixed batches of sentences (model loaded once per worker process);
    returns (vectors per batch, model seconds, load seconds). runtime "onnx" never imports torch."""
    batches, model_name, threads, runtime = job if len(job) == 4 else (*job, "torch")
    t0 = time.perf_counter()
    if runtime == "onnx":
        from .onnx_model import load_onnx_encoder

        encoder = load_onnx_encoder(None, max(1, threads))
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = [encoder.encode(batch) for batch in batches]
        return out, time.perf_counter() - t0, load
    from .embed import load_model

    import torch

    torch.set_num_threads(max(1, threads))
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
                       settings, "full", job.kinds_of(a, settings), job.kinds_of(b, settings))
            for (a, b), (need_a, need_b) in zip(job.pairs.tolist(), job.needed)]


# --- the driver -------------------------------------------------------------------------

def _chunks(index: np.ndarray, pairs: np.ndarray, sentences: dict, kinds: dict, size: int, vectors: dict | None = None,
            needed: list[Needed] | None = None):
    for start in range(0, len(pairs), size):
        part = pairs[start : start + size]
        rows = sorted_unique(part).tolist()
        yield PairChunk(index[start : start + size], part, {r: sentences[r] for r in rows},
                        None if vectors is None else {r: vectors[r] for r in rows},
                        None if needed is None else needed[start : start + size], {r: kinds[r] for r in rows})


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


def _embed_full(positions: dict[int, np.ndarray | None], sentences: dict[int, list[str]], kinds: dict[int, np.ndarray],
                settings: RewriteSettings, executor, stats: RewriteStats, caches=(),
                kept: dict | None = None) -> dict[int, np.ndarray]:
    """Vectors of each row's countable sentences (zero rows outside `positions`): every unique
    sentence once, in fixed batches; sentences an earlier run kept (`caches`, VectorCache of
    reference runs) are not embedded again. The vectors computed here go into `kept`."""
    rows = list(positions)
    countable = {r: evidence_rows(kinds[r]) for r in rows}
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
    runtime = judge_runtime(settings)
    stats.judge_runtime = runtime
    jobs = [(batches[k : k + 4], settings.model, threads, runtime) for k in range(0, len(batches), 4)]
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


def language_gate(pairs: np.ndarray, languages, readable: frozenset[str]) -> np.ndarray:
    """Which pairs the judge may read: both documents in one language it reads. `languages`:
    a code (or None) per row."""
    codes = [None if c is None else str(c).casefold() for c in (languages[int(r)] for r in sorted_unique(pairs).tolist())]
    at = dict(zip(sorted_unique(pairs).tolist(), codes))
    return np.array([at[a] is not None and at[a] == at[b] and at[a] in readable for a, b in pairs.tolist()], dtype=bool)


def _site_codes(sites, n: int) -> np.ndarray:
    """An integer per row for its site key (strings or ints; None: a site of its own)."""
    if sites is None:
        return np.arange(n, dtype=np.int64)
    values = [f"\x00{k}" if s is None else str(s) for k, s in enumerate(sites)]
    return np.unique(np.array(values, dtype=object), return_inverse=True)[1].astype(np.int64)


def corpus_shared_lines(line_offsets, line_hashes, groups: np.ndarray, sites, settings: RewriteSettings,
                        ok: np.ndarray | None = None) -> SharedLines:
    """prose.shared_lines over the corpus's line hashes (rows [n - len(offsets) + 1, n), the
    earlier ones, reference documents, without lines)."""
    n = len(groups)
    offsets = np.asarray(line_offsets, dtype=np.int64)
    missing = n - (len(offsets) - 1)
    if missing > 0:
        offsets = np.concatenate([np.zeros(missing, np.int64), offsets])
    return shared_lines(offsets, line_hashes, groups, _site_codes(sites, n), settings.shared_line_min_groups,
                        settings.shared_line_min_site_groups, ok)


def find_rewrites(texts, signatures: Signatures, n_words: np.ndarray, representative: np.ndarray, verified: Pairs,
                  settings: RewriteSettings, executor=None, first_new: int = 0, vector_caches=(),
                  kept_vectors: dict | None = None, languages=None, line_offsets=None, line_hashes=None, sites=None,
                  line_max_words: int | None = None, trace: dict | None = None) -> tuple[Pairs, RewriteStats]:
    """Rewrite and related pairs among documents that head their exact group and that the
    lexical pairs (`verified`) have not already put in one group; rows before `first_new` are
    reference documents, compared with newer rows only. Full-model vectors of sentences in
    `vector_caches` (reference runs') are reused; those computed go into `kept_vectors`.

    The language gate: with `languages` (a code per row, samestory/language), a pair is judged
    only when both documents are in one language the judge reads (embed.judge_languages).
    Shared lines: with `line_offsets`/`line_hashes` (every document's line hashes, flat, as
    boilerplate.line_hashes_batch gives them with `line_max_words`) and `sites` (a site key per
    row), lines many documents share carry no evidence (prose.py). `trace`, when given, receives
    for each candidate pair (a, b) where the cascade left it: ("gate",), ("lexical",), or
    (judge, relation, failed, score) with judge "static" or "full" (benchmarks read it to
    say where a missed rewrite was lost)."""
    from ..executors import LocalExecutor
    from .embed import judge_languages

    executor = executor or LocalExecutor(1)
    stats = RewriteStats()
    n = len(texts)
    allowed = (representative == np.arange(n)) & (np.asarray(n_words) >= settings.min_words)
    pairs, shared, overlap = rewrite_candidates(signatures.feature_hash, signatures.row, allowed, settings)
    if first_new and len(pairs):
        new = pairs[:, 1] >= first_new
        pairs, shared, overlap = pairs[new], shared[new], overlap[new]
    groups = connected_groups(n, verified.a, verified.b)
    if len(pairs):
        fresh = groups[pairs[:, 0]] != groups[pairs[:, 1]]  # skip pairs the lexical tier grouped
        pairs, shared, overlap = pairs[fresh], shared[fresh], overlap[fresh]
    stats.candidates = len(pairs)
    stats.candidate_documents = len(sorted_unique(pairs))
    if languages is not None and len(pairs):
        readable = judge_languages(settings.model, settings.languages)
        gate = language_gate(pairs, languages, readable)
        stats.language_gated = int((~gate).sum())
        if trace is not None:
            trace.update({(int(a), int(b)): ("gate",) for a, b in pairs[~gate].tolist()})
        pairs, shared, overlap = pairs[gate], shared[gate], overlap[gate]
    if not len(pairs):
        return Pairs(), stats
    rows = sorted_unique(pairs)
    common = None
    if line_hashes is not None and line_offsets is not None:
        common = corpus_shared_lines(line_offsets, line_hashes, groups, sites, settings)
        stats.shared_lines = len(common)
    empty = np.zeros(0, np.uint64)
    sentences, kinds = {}, {}
    for row, text in zip(rows.tolist(), texts.take(rows)):  # texts: a textstore store
        sentences[row], kinds[row] = document_kinds(text, common.of(row) if common is not None else empty, settings,
                                                    line_max_words)
    stats.static_screen = static_screen_state(settings)
    size = max(50, -(-len(pairs) // (4 * executor.workers)))
    index = np.arange(len(pairs))
    verdicts: list[Verdict | None] = [None] * len(pairs)
    to_judge: list[int] = []
    needed: list[Needed] = []
    screen = functools.partial(screen_chunk, settings=settings, static=stats.static_screen == "on")
    jobs = list(_chunks(index, pairs, sentences, kinds, size))
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
                stats.floor_failed += verdict.failed == "floor"
    if to_judge:
        judge_index = np.array(to_judge, dtype=np.int64)
        vectors = _embed_full(_positions_per_row(pairs[judge_index], needed), sentences, kinds, settings, executor,
                              stats, vector_caches, kept_vectors)
        jobs = list(_chunks(judge_index, pairs[judge_index], sentences, kinds, size, vectors, needed))
        for job, results in zip(jobs, executor.map(functools.partial(judge_chunk, settings=settings), jobs)):
            for k, verdict in zip(job.index.tolist(), results):
                verdicts[k] = verdict
                stats.floor_failed += verdict.failed == "floor"
        stats.checked = len(to_judge)
    if trace is not None:
        for k, verdict in enumerate(verdicts):
            key = (int(pairs[k, 0]), int(pairs[k, 1]))
            trace[key] = ("lexical",) if verdict is None else (verdict.judge, verdict.relation, verdict.failed, verdict.score)
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
