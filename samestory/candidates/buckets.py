"""The group-by-key step shared by LSH bands and anchors: documents sharing a key become pairs.

Written with numpy sorts rather than a dict of lists so it stays linear-ish and vectorised;
a cluster engine would run the same step as a shuffle on `key`.
"""

from __future__ import annotations

import numpy as np


def pairs_within_groups(keys: np.ndarray, rows: np.ndarray, max_all_pairs: int, max_group: int | None = None) -> np.ndarray:
    """(k, 2) int64 pairs (i < j) of rows that share a key.

    A group of up to `max_all_pairs` rows gives all its pairs; a larger one only pairs its
    first row with each other row (a star), so a key shared by thousands of documents costs
    linear, not quadratic, work. Groups larger than `max_group` are dropped entirely.
    """
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((rows, keys))
    keys, rows = keys[order], rows[order]
    boundaries = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate(([0], boundaries))
    sizes = np.diff(np.concatenate((starts, [len(keys)])))
    keep = sizes >= 2
    if max_group is not None:
        keep &= sizes <= max_group
    starts, sizes = starts[keep], sizes[keep]
    if not len(starts):
        return np.zeros((0, 2), dtype=np.int64)
    out = []
    small = sizes <= max_all_pairs
    s_starts, s_sizes = starts[small], sizes[small]
    for gap in range(1, int(s_sizes.max()) + 1 if len(s_sizes) else 1):
        # every i with i + gap < size pairs with i + gap
        eligible = s_sizes > gap
        if not eligible.any():
            break
        st, sz = s_starts[eligible], s_sizes[eligible]
        counts = sz - gap
        first = np.repeat(st, counts) + _ranges(counts)
        out.append(np.stack([rows[first], rows[first + gap]], axis=1))
    b_starts, b_sizes = starts[~small], sizes[~small]
    if len(b_starts):
        counts = b_sizes - 1
        hub = np.repeat(b_starts, counts)
        spoke = hub + 1 + _ranges(counts)
        out.append(np.stack([rows[hub], rows[spoke]], axis=1))
    pairs = np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)
    return np.sort(pairs, axis=1)


def _ranges(counts: np.ndarray) -> np.ndarray:
    from ..fingerprint.shingles import _ranges as ranges

    return ranges(counts)


def unique_pairs(pairs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique (i, j) pairs and how often each occurred (e.g. how many anchors two docs share)."""
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    code = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    uniq, counts = np.unique(code, return_counts=True)
    return np.stack([uniq // n, uniq % n], axis=1), counts
