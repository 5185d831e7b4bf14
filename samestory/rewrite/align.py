"""Rewrite verification: align two documents sentence by sentence on embeddings.

Rule (defaults in config.RewriteSettings):
1. Split both texts into sentences; sentences with fewer than `min_sentence_words`
   words take no part (they are headings, datelines, "Read more"), nor, when the caller
   passes the rows that do (`rows_a`, `rows_b`), any other sentence.
2. Cosine matrix of the sentence embeddings. A one-to-one assignment maximising the total
   similarity (Hungarian, scipy's linear_sum_assignment) over cells >= `min_similarity`.
   Hungarian rather than a monotone DP because a rewrite may move a paragraph: order is then
   checked separately, instead of being forced (a DP would silently drop moved sentences).
3. Gaps: between two consecutive aligned pairs (a document edge counts as one), runs of
   unassigned sentences of equal length on both sides (at most `gap_max_sentences`)
   are aligned in order when each pair's similarity is >= `gap_min_similarity`: the
   aligned neighbours say where the counterpart is, so a looser threshold is enough.
4. Merges and splits: a sentence left unassigned whose best counterpart (>= the threshold)
   is already assigned to one of its direct neighbours is counted as aligned to it too
   (translation often cuts one sentence in two or joins two).
5. coverage_x = aligned sentences of x / countable sentences of x. order = share of the
   step-2 pairs lying on the longest increasing run of (i, j) (1.0 = same order; swapping
   two halves gives about 0.5).
6. rewrite when the SHORTER document (fewer countable sentences) has coverage >=
   `min_coverage`, at least `min_aligned` step-2 pairs (gap-filled ones not
   counted), and order >= `min_order`. Score = that coverage.
Independent articles about one event share names and topic, but few of their sentences say
the same thing in the same place, so their coverage stays low.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..config import RewriteSettings
from .sentences import sentence_words

__all__ = ["Alignment", "align_sentences", "longest_increasing_run"]


@dataclass
class Alignment:
    sentences_a: list[str]
    sentences_b: list[str]
    aligned: list[tuple[int, int, float]] = field(default_factory=list)  # (i, j, similarity), sorted
    strong: int = 0          # one-to-one pairs at >= min_similarity (before gap filling)
    one_to_one: int = 0      # one-to-one pairs including gap-filled ones
    coverage_a: float = 0.0
    coverage_b: float = 0.0
    order: float = 0.0
    doc_cosine: float = 0.0
    is_rewrite: bool = False
    score: float = 0.0


def longest_increasing_run(values: list[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []
    for v in values:
        k = bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
        else:
            tails[k] = v
    return len(tails)


def _doc_vector(emb: np.ndarray) -> np.ndarray:
    v = emb.mean(axis=0) if len(emb) else np.zeros(emb.shape[1], np.float32)
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def align_sentences(
    sentences_a: list[str], emb_a: np.ndarray, sentences_b: list[str], emb_b: np.ndarray, settings: RewriteSettings,
    rows_a: np.ndarray | None = None, rows_b: np.ndarray | None = None,
) -> Alignment:
    """Align two documents' sentences (embeddings: unit rows, one per sentence) and decide.

    rows_x: the sentences of x that take part (indexes, increasing); None: those of at least
    `min_sentence_words` words. The rewrite tier passes its evidence sentences (prose.py);
    coverage and the rule count only these. Language-neutral: it reads vectors and positions."""
    out = Alignment(sentences_a=sentences_a, sentences_b=sentences_b)
    min_words = settings.min_sentence_words
    if rows_a is None:
        rows_a = np.array([i for i, s in enumerate(sentences_a) if sentence_words(s) >= min_words], dtype=np.int64)
    if rows_b is None:
        rows_b = np.array([j for j, s in enumerate(sentences_b) if sentence_words(s) >= min_words], dtype=np.int64)
    rows_a, rows_b = np.asarray(rows_a, dtype=np.int64), np.asarray(rows_b, dtype=np.int64)
    if not len(rows_a) or not len(rows_b):
        return out
    ea, eb = emb_a[rows_a], emb_b[rows_b]
    # document cosine: cosine of the mean sentence vectors (whole text, no 256-token cut-off)
    out.doc_cosine = round(float(_doc_vector(ea) @ _doc_vector(eb)), 4)
    sim = ea @ eb.T
    tau = settings.min_similarity
    weight = np.where(sim >= tau, sim, 0.0)
    r, c = linear_sum_assignment(weight, maximize=True)
    keep = sim[r, c] >= tau
    r, c = r[keep], c[keep]
    pairs = {(int(x), int(y)): float(sim[x, y]) for x, y in zip(r, c)}
    out.strong = len(pairs)
    if pairs:
        by_i = sorted(pairs)
        out.order = longest_increasing_run([y for _, y in by_i]) / len(by_i)
    # gaps: between two consecutive aligned pairs (document edges count as aligned), equally
    # long runs of unassigned sentences on both sides are aligned in order at a lower threshold
    partner_of_a = {x: y for x, y in pairs}
    partner_of_b = {y: x for x, y in pairs}
    gap_tau = settings.gap_min_similarity
    anchors = [(-1, -1)] + sorted(pairs) + [(len(rows_a), len(rows_b))]
    for (i1, j1), (i2, j2) in zip(anchors, anchors[1:]):
        gap = i2 - i1 - 1
        if gap < 1 or gap > settings.gap_max_sentences or j2 - j1 - 1 != gap:
            continue
        for t in range(1, gap + 1):
            x, y = i1 + t, j1 + t
            if x not in partner_of_a and y not in partner_of_b and sim[x, y] >= gap_tau:
                pairs[(x, y)] = float(sim[x, y])
                partner_of_a[x], partner_of_b[y] = y, x
    out.one_to_one = len(pairs)
    # merges/splits: an unassigned sentence whose best partner is assigned to its neighbour
    for x in range(len(rows_a)):
        if x in partner_of_a:
            continue
        y = int(np.argmax(sim[x]))
        if sim[x, y] >= tau and partner_of_b.get(y) in (x - 1, x + 1):
            pairs[(x, y)] = float(sim[x, y])
    for y in range(len(rows_b)):
        if y in partner_of_b:
            continue
        x = int(np.argmax(sim[:, y]))
        if sim[x, y] >= tau and partner_of_a.get(x) in (y - 1, y + 1) and (x, y) not in pairs:
            pairs[(x, y)] = float(sim[x, y])
    out.aligned = sorted((int(rows_a[x]), int(rows_b[y]), s) for (x, y), s in pairs.items())
    out.coverage_a = round(len({x for x, _ in pairs}) / len(rows_a), 4)
    out.coverage_b = round(len({y for _, y in pairs}) / len(rows_b), 4)
    out.order = round(out.order, 4)
    if len(rows_a) < len(rows_b):
        shorter = out.coverage_a
    elif len(rows_b) < len(rows_a):
        shorter = out.coverage_b
    else:
        shorter = max(out.coverage_a, out.coverage_b)
    out.score = shorter
    out.is_rewrite = (
        shorter >= settings.min_coverage
        and out.strong >= settings.min_aligned
        and out.order >= settings.min_order
    )
    return out
