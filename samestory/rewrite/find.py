"""The rewrite stage: candidates (candidates.py) -> lexical sentence screen -> sentence
embeddings (embed.py) -> alignment (align.py) -> name variants (names.py) -> pairs with
relation "rewrite".

Runs after lexical verification: pairs already linked by exact/near/partial (directly or
through their group) are skipped, and the model is loaded only when candidates remain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..config import RewriteSettings
from ..group import connected_groups
from ..records import AlignedSentences, NameVariant, Pairs, RewriteEvidence
from .align import Alignment, align_sentences
from .candidates import rewrite_candidates
from .embed import Embedder
from .names import name_variants
from .sentences import split_for_alignment
from .signature import Signatures

__all__ = ["RewriteStats", "find_rewrites", "rewrite_evidence"]


@dataclass
class RewriteStats:
    candidates: int = 0
    prefiltered_out: int = 0
    checked: int = 0
    found: int = 0
    documents_embedded: int = 0
    sentences_embedded: int = 0
    embed_seconds: float = 0.0
    model_load_seconds: float = 0.0


def rewrite_evidence(
    al: Alignment, settings: RewriteSettings, found_by: tuple[str, ...], extra: dict | None = None
) -> RewriteEvidence:
    """The evidence of a rewrite pair: the alignment's figures, its sentence pairs, name variants."""
    sentence_pairs = [(al.sentences_a[i], al.sentences_b[j]) for i, j, _ in al.aligned]
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
        name_variants=tuple(
            NameVariant(**v) for v in name_variants(sentence_pairs, settings.name_min_similarity)
        ),
        extra=tuple(sorted((extra or {}).items())),
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
    event shares them only in some sentences, unrelated ones in almost none. Only pairs that
    pass go on to sentence embeddings, which stay the real test; this screen exists because
    embedding is ~200 sentences/s on a 2-core CPU.
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


def find_rewrites(
    texts,
    signatures: Signatures,
    n_words: np.ndarray,
    representative: np.ndarray,
    verified: Pairs,
    settings: RewriteSettings,
    embedder: Embedder | None = None,
) -> tuple[Pairs, RewriteStats]:
    """Rewrite pairs among documents that head their exact group and that the lexical pairs
    (`verified`) have not already put in one group."""
    out = Pairs()
    stats = RewriteStats()
    n = len(texts)
    allowed = (representative == np.arange(n)) & (np.asarray(n_words) >= settings.min_words)
    pairs, shared, overlap = rewrite_candidates(signatures.feature_hash, signatures.row, allowed, settings)
    if len(pairs):
        # skip pairs that the lexical tiers already put in one group
        groups = connected_groups(n, verified.a, verified.b)
        fresh = groups[pairs[:, 0]] != groups[pairs[:, 1]]
        pairs, shared, overlap = pairs[fresh], shared[fresh], overlap[fresh]
    stats.candidates = len(pairs)
    if not len(pairs):
        return out, stats

    sentences = {row: split_for_alignment(texts[row]) for row in np.unique(pairs).tolist()}
    # cheap lexical screen before the expensive embeddings (see lexical_sentence_coverage)
    if settings.prefilter_min_coverage > 0:
        words = {row: [_content_words(s) for s in sents] for row, sents in sentences.items()}
        keep = np.array([
            lexical_sentence_coverage(words[a], words[b], settings.prefilter_min_overlap)
            >= settings.prefilter_min_coverage
            for a, b in pairs.tolist()
        ], dtype=bool)
        stats.prefiltered_out = int((~keep).sum())
        pairs, shared, overlap = pairs[keep], shared[keep], overlap[keep]
        if not len(pairs):
            return out, stats

    embedder = embedder or Embedder(settings.model, settings.embed_batch_size)
    docs = np.unique(pairs).tolist()
    flat = [s for row in docs for s in sentences[row]]
    vectors = embedder.embed(flat)  # one call: every distinct sentence embedded once
    embeddings: dict[int, np.ndarray] = {}
    start = 0
    for row in docs:
        k = len(sentences[row])
        embeddings[row] = vectors[start : start + k]
        start += k
    stats.documents_embedded = len(docs)
    stats.sentences_embedded = embedder.sentences_embedded
    stats.embed_seconds = embedder.seconds
    stats.model_load_seconds = embedder.load_seconds

    for (a, b), n_shared, ov in zip(pairs.tolist(), shared.tolist(), overlap.tolist()):
        stats.checked += 1
        al = align_sentences(sentences[a], embeddings[a], sentences[b], embeddings[b], settings)
        if not al.is_rewrite:
            continue
        evidence = rewrite_evidence(
            al, settings, ("rewrite-signature",),
            {"shared_features": int(n_shared), "signature_overlap": round(float(ov), 4)},
        )
        out.add(a, b, "rewrite", al.score, None, None, evidence)
        stats.found += 1
    return out, stats
