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

__all__ = ["rewrite_candidates"]


def rewrite_candidates(
    keys: np.ndarray, owners: np.ndarray, allowed: np.ndarray, settings: RewriteSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (k, 2) with i < j among the allowed rows, their shared-feature counts and
    overlap. `keys`/`owners` are the signature features of the corpus (Fingerprints)."""
    n = len(allowed)
    empty = (np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
    if len(owners):
        keep = allowed[owners]
        keys, owners = keys[keep], owners[keep]
    if not len(keys):
        return empty
    # document frequency of each feature; topic-wide features are dropped
    uniq, inverse, df = np.unique(keys, return_inverse=True, return_counts=True)
    usable = df[inverse] <= settings.max_feature_df
    keys, owners = keys[usable], owners[usable]
    sig_size = np.bincount(owners, minlength=n)
    pairs = pairs_within_groups(keys, owners, settings.max_bucket_pairs_size, max_group=settings.max_feature_df)
    pairs, shared = unique_pairs(pairs, n)
    if not len(pairs):
        return empty
    smaller = np.minimum(sig_size[pairs[:, 0]], sig_size[pairs[:, 1]]).astype(np.float64)
    overlap = shared / np.maximum(smaller, 1.0)
    keep = (shared >= settings.min_shared_features) & (overlap >= settings.min_signature_overlap)
    pairs, shared, overlap = pairs[keep], shared[keep], overlap[keep]
    if not len(pairs):
        return empty
    # per-document cap: a pair stays when it is among the best of either of its documents
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
