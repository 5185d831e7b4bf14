"""Candidates: which pairs of documents are worth verifying for near and partial copies.

- exact duplicates are grouped by the hash of their normalised text, and only one
  representative of each exact group goes on to the other candidate paths;
- near copies: MinHash LSH (banding) over word-shingle signatures;
- partial copies: shared anchors (content-sampled shingles), because an excerpt's Jaccard
  with its source is low, but every anchor of the excerpt is also an anchor of the source.
No candidate is a match by itself: verify.py checks each pair on the real shingle sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import LexicalSettings
from ..groupby import pairs_within_groups, unique_pairs
from .fingerprints import Fingerprints

__all__ = [
    "Candidates", "FROM_LSH", "FROM_ANCHORS", "exact_representatives", "find_candidates", "lsh_pairs", "anchor_pairs",
    "band_key",
]

FROM_LSH = 1
FROM_ANCHORS = 2


@dataclass
class Candidates:
    pairs: np.ndarray        # (k, 2) int64 rows, i < j, sorted
    origin: np.ndarray       # (k,) uint8 bit flags: FROM_LSH | FROM_ANCHORS
    shared_anchors: np.ndarray  # (k,) int64


def exact_representatives(exact_hash: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """For each row, the first row with the same exact hash (itself if first); -1 if not ok."""
    rep = np.full(len(exact_hash), -1, dtype=np.int64)
    rows = np.flatnonzero(ok)
    if not len(rows):
        return rep
    _, first_index, inverse = np.unique(exact_hash[rows], return_index=True, return_inverse=True)
    rep[rows] = rows[first_index][inverse]
    return rep


def lsh_pairs(minhash: np.ndarray, rows: np.ndarray, settings: LexicalSettings) -> np.ndarray:
    """Rows whose signatures agree on all `lsh_rows` values of at least one band."""
    found = []
    r = settings.lsh_rows
    for band in range(settings.lsh_bands):
        block = np.ascontiguousarray(minhash[rows, band * r : (band + 1) * r])
        keys = band_key(block)
        found.append(pairs_within_groups(keys, rows, settings.max_bucket_pairs_size))
    return np.concatenate(found) if found else np.zeros((0, 2), np.int64)


def band_key(block: np.ndarray) -> np.ndarray:
    """One 64-bit key per row of a band's MinHash values: equal bands, equal keys."""
    key = np.zeros(len(block), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in range(block.shape[1]):
            key = (key ^ block[:, col].astype(np.uint64)) * np.uint64(0x100000001B3)
            key ^= key >> np.uint64(29)
    return key


def anchor_pairs(fp: Fingerprints, allowed: np.ndarray, settings: LexicalSettings) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing at least `min_shared_anchors` anchors, with the count shared."""
    keep = allowed[fp.anchor_row]
    pairs = pairs_within_groups(
        fp.anchor_hash[keep], fp.anchor_row[keep], settings.max_bucket_pairs_size, max_group=settings.max_anchor_df
    )
    uniq, counts = unique_pairs(pairs, len(allowed))
    chosen = counts >= settings.min_shared_anchors
    return uniq[chosen], counts[chosen]


def find_candidates(fp: Fingerprints, representative: np.ndarray, settings: LexicalSettings) -> Candidates:
    n = len(fp)
    allowed = representative == np.arange(n)  # ok documents that head their exact group
    rows = np.flatnonzero(allowed)
    from_lsh = lsh_pairs(fp.minhash, rows, settings)
    lsh_uniq, _ = unique_pairs(from_lsh, n)
    anc_uniq, anc_counts = anchor_pairs(fp, allowed, settings)
    all_pairs, _ = unique_pairs(np.concatenate([lsh_uniq, anc_uniq]), n)
    code_all = all_pairs[:, 0] * n + all_pairs[:, 1]
    origin = np.zeros(len(all_pairs), dtype=np.uint8)
    shared = np.zeros(len(all_pairs), dtype=np.int64)
    if len(lsh_uniq):
        origin[np.searchsorted(code_all, lsh_uniq[:, 0] * n + lsh_uniq[:, 1])] |= FROM_LSH
    if len(anc_uniq):
        pos = np.searchsorted(code_all, anc_uniq[:, 0] * n + anc_uniq[:, 1])
        origin[pos] |= FROM_ANCHORS
        shared[pos] = anc_counts
    return Candidates(pairs=all_pairs, origin=origin, shared_anchors=shared)
