"""The one group-by-key step: documents sharing a key become pairs.

Used by MinHash LSH bands and anchors (lexical/) and by rewrite signature features (rewrite/).

Written with numpy sorts rather than a dict of lists so it stays linear-ish and vectorised;
a cluster engine would run the same step as a shuffle on `key`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pairs_within_groups", "unique_pairs", "concat_ranges"]


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
        first = np.repeat(st, counts) + concat_ranges(counts)
        out.append(np.stack([rows[first], rows[first + gap]], axis=1))
    b_starts, b_sizes = starts[~small], sizes[~small]
    if len(b_starts):
        counts = b_sizes - 1
        hub = np.repeat(b_starts, counts)
        spoke = hub + 1 + concat_ranges(counts)
        out.append(np.stack([rows[hub], rows[spoke]], axis=1))
    pairs = np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)
    return np.sort(pairs, axis=1)


def concat_ranges(counts: np.ndarray) -> np.ndarray:
    """concatenate(arange(c) for c in counts), vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    out = np.ones(total, dtype=np.int64)
    out[0] = 0
    nonzero = counts > 0
    starts_idx = (ends - counts)[nonzero]
    prev_counts = counts[nonzero]
    out[starts_idx[1:]] = 1 - prev_counts[:-1]
    return np.cumsum(out)


def unique_pairs(pairs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique (i, j) pairs and how often each occurred (e.g. how many anchors two docs share)."""
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    code = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    uniq, counts = np.unique(code, return_counts=True)
    return np.stack([uniq // n, uniq % n], axis=1), counts


def concat_keyed(parts: list[tuple[np.ndarray, np.ndarray]], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Join per-batch (keys, rows) arrays in order, shifting each batch's rows to corpus rows."""
    if not parts:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    shifts = np.cumsum([0] + list(sizes[:-1]))
    return (
        np.concatenate([keys for keys, _ in parts]),
        np.concatenate([rows + shift for (_, rows), shift in zip(parts, shifts)]),
    )


def replace_keyed_rows(
    keys: np.ndarray, rows: np.ndarray, replaced: np.ndarray, new_keys: np.ndarray, new_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(keys, rows) with every entry of the `replaced` rows swapped for the new ones; `new_rows`
    index into `replaced` (row k of the new batch is corpus row replaced[k])."""
    keep = ~np.isin(rows, replaced)
    return np.concatenate([keys[keep], new_keys]), np.concatenate([rows[keep], replaced[new_rows]])
