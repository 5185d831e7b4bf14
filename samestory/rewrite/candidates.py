"""Rewrite candidates: documents that share a paraphrase-robust lexical signature.

Signatures (signature.py) hold each document's proper names as character n-grams, its numbers
and its long words. Features are grouped by key with `groupby.pairs_within_groups` (the same group-by-key step
as LSH and anchors): features in more than `max_feature_df` documents are topic
words and dropped, and large groups only give star pairs, so the work stays near-linear
when many documents share a topic. A pair is a candidate when it shares at least
`min_shared_features` features that make at least `min_signature_overlap`
of the smaller signature; each document keeps its best `max_candidates_per_doc`.
"""

from __future__ import annotations

import numpy as np

from ..config import RewriteSettings
from ..groupby import pairs_within_groups, unique_pairs

__all__ = ["rewrite_candidates", "signature_pairs", "overlapping_pairs", "capped"]


def signature_pairs(keys: np.ndarray, owners: np.ndarray, settings: RewriteSettings, n: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The group-by-key over signature features: pairs (k, 2) sharing features and how many.
    Every entry of a feature must be here (one key partition of the plan's shuffle holds all of
    its keys' entries), so document frequencies are whole: features in more than
    `max_feature_df` documents are topic words and dropped."""
    if not len(keys):
        return np.zeros((0, 2), np.int64), np.zeros(0, np.int64)
    uniq, inverse, df = np.unique(keys, return_inverse=True, return_counts=True)
    usable = df[inverse] <= settings.max_feature_df
    keys, owners = keys[usable], owners[usable]
    pairs = pairs_within_groups(keys, owners, settings.max_bucket_pairs_size, max_group=settings.max_feature_df)
    return unique_pairs(pairs, n)


def overlapping_pairs(pairs: np.ndarray, shared: np.ndarray, sig_size: np.ndarray, settings: RewriteSettings
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs sharing at least `min_shared_features` features that make at least
    `min_signature_overlap` of the smaller signature (`sig_size`: features per document)."""
    if not len(pairs):
        return pairs, shared, np.zeros(0, np.float64)
    smaller = np.minimum(sig_size[pairs[:, 0]], sig_size[pairs[:, 1]]).astype(np.float64)
    overlap = shared / np.maximum(smaller, 1.0)
    keep = (shared >= settings.min_shared_features) & (overlap >= settings.min_signature_overlap)
    return pairs[keep], shared[keep], overlap[keep]


def capped(pairs: np.ndarray, shared: np.ndarray, overlap: np.ndarray, n: int, settings: RewriteSettings
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The per-document cap: a pair stays when it is among the `max_candidates_per_doc` best
    (by overlap) of either of its documents."""
    if not len(pairs):
        return pairs, shared, overlap
    cap = settings.max_candidates_per_doc
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


def rewrite_candidates(
    keys: np.ndarray, owners: np.ndarray, allowed: np.ndarray, settings: RewriteSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (k, 2) with i < j among the allowed rows, their shared-feature counts and
    overlap, over every document's features at once (the plan runs the same three steps as a
    shuffle: signature_pairs per key partition, then overlapping_pairs and capped)."""
    n = len(allowed)
    if len(owners):
        keep = allowed[owners]
        keys, owners = keys[keep], owners[keep]
    sig_size = np.bincount(owners, minlength=n)
    pairs, shared = signature_pairs(keys, owners, settings, n)
    pairs, shared, overlap = overlapping_pairs(pairs, shared, sig_size, settings)
    return capped(pairs, shared, overlap, n, settings)
