"""Candidates: which pairs of documents are worth verifying for near and partial copies.

- exact duplicates are grouped by the hash of their normalised text, and only one
  representative of each exact group goes on to the other candidate paths;
- near copies: MinHash LSH (banding) over word-shingle signatures;
- partial copies: shared anchors (content-sampled shingles), because an excerpt's Jaccard
  with its source is low, but every anchor of the excerpt is also an anchor of the source.
No candidate is a match by itself: verify.py checks each pair on the real shingle sets.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from ..config import LexicalSettings
from ..groupby import GroupJob, group_pairs, unique_pairs
from .fingerprints import Fingerprints

if TYPE_CHECKING:
    from .keyindex import ReferenceKeys

__all__ = [
    "Candidates", "FROM_LSH", "FROM_ANCHORS", "exact_representatives", "find_candidates", "lsh_pairs", "anchor_pairs",
    "band_key", "band_keys", "lsh_jobs", "anchor_job", "shared_anchor_pairs",
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


GroupFunction = Callable[[list[GroupJob]], list[np.ndarray]]


def lsh_jobs(minhash: np.ndarray, rows: np.ndarray, settings: LexicalSettings) -> list[GroupJob]:
    """One group-by-key per LSH band: rows whose band keys are equal."""
    return list(_lsh_job_iter(minhash, rows, settings))


def _lsh_job_iter(minhash: np.ndarray, rows: np.ndarray, settings: LexicalSettings, reference=None,
                  allowed: np.ndarray | None = None):
    # one band's keys at a time: a grouping that consumes them in turn never holds all 32
    for band in range(settings.lsh_bands):
        keys = band_keys(minhash, rows, band, settings)
        if reference is not None:  # `rows` are new documents: add the (allowed) reference entries of their keys
            ref_keys, ref_rows = reference.band_matching(band, keys)
            keep = allowed[ref_rows]
            keys, band_rows = _with_reference(keys, rows, ref_keys[keep], ref_rows[keep])
            yield GroupJob(keys, band_rows, settings.max_bucket_pairs_size)
        else:
            yield GroupJob(keys, rows, settings.max_bucket_pairs_size)


def _with_reference(keys: np.ndarray, rows: np.ndarray, ref_keys: np.ndarray, ref_rows: np.ndarray):
    return np.concatenate([ref_keys, keys]), np.concatenate([ref_rows, rows])


def lsh_pairs(minhash: np.ndarray, rows: np.ndarray, settings: LexicalSettings, group: GroupFunction = group_pairs) -> np.ndarray:
    """Rows whose signatures agree on all `lsh_rows` values of at least one band."""
    found = group(lsh_jobs(minhash, rows, settings))
    return np.concatenate(found) if found else np.zeros((0, 2), np.int64)


def band_keys(minhash: np.ndarray, rows: np.ndarray, band: int, settings: LexicalSettings) -> np.ndarray:
    """The key of LSH band `band` for each of `rows`."""
    r = settings.lsh_rows
    return band_key(np.ascontiguousarray(minhash[rows, band * r:(band + 1) * r]))


def band_key(block: np.ndarray) -> np.ndarray:
    """One 64-bit key per row of a band's MinHash values: equal bands, equal keys."""
    key = np.zeros(len(block), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in range(block.shape[1]):
            key = (key ^ block[:, col].astype(np.uint64)) * np.uint64(0x100000001B3)
            key ^= key >> np.uint64(29)
    return key


def anchor_job(fp: Fingerprints, allowed: np.ndarray, settings: LexicalSettings, first_new: int = 0,
               reference=None) -> GroupJob:
    """The group-by-key on anchors: rows sharing an anchor (anchors on too many rows are dropped).
    With `reference`, the anchors of rows >= first_new and the reference entries of their keys."""
    if reference is None:  # the anchors are used in place, with a mask: no copy of the (~60 per document) entries
        keep = allowed[fp.anchor_row]
        return GroupJob(fp.anchor_hash, fp.anchor_row, settings.max_bucket_pairs_size, settings.max_anchor_df,
                        None if keep.all() else keep)
    start = int(np.searchsorted(fp.anchor_row, first_new))
    keys, rows = fp.anchor_hash[start:], fp.anchor_row[start:]
    keep = allowed[rows]
    keys, rows = keys[keep], rows[keep]
    ref_keys, ref_rows = reference.anchor_matching(keys)
    keep = allowed[ref_rows]
    keys, rows = _with_reference(keys, rows, ref_keys[keep], ref_rows[keep])
    return GroupJob(keys, rows, settings.max_bucket_pairs_size, settings.max_anchor_df)


def shared_anchor_pairs(pairs: np.ndarray, n: int, settings: LexicalSettings) -> tuple[np.ndarray, np.ndarray]:
    """Pairs found on at least `min_shared_anchors` anchors, with the count shared."""
    uniq, counts = unique_pairs(pairs, n)
    chosen = counts >= settings.min_shared_anchors
    return uniq[chosen], counts[chosen]


def anchor_pairs(fp: Fingerprints, allowed: np.ndarray, settings: LexicalSettings, group: GroupFunction = group_pairs
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing at least `min_shared_anchors` anchors, with the count shared."""
    (pairs,) = group([anchor_job(fp, allowed, settings)])
    return shared_anchor_pairs(pairs, len(allowed), settings)


def find_candidates(
    fp: Fingerprints, representative: np.ndarray, settings: LexicalSettings, group: GroupFunction = group_pairs,
    first_new: int = 0, reference: "ReferenceKeys | None" = None,
) -> Candidates:
    """LSH and anchor candidates. `group` runs the group-by-key jobs (all bands and the anchors
    in one call, so an executor can run them as one partitioned step); by default here.

    With `first_new`, rows before it are reference documents, already compared among
    themselves: only pairs with a row >= first_new are looked for. Their band keys and anchors
    come from `reference` (the reference runs' sorted keys, keyindex.py), searched for the new
    documents' keys only; `fp`'s MinHash and anchors are read for rows >= first_new alone.
    Without `reference`, it is built from `fp`'s rows before first_new."""
    n = len(fp)
    allowed = representative == np.arange(n)  # ok documents that head their exact group
    if not first_new:
        reference = None
    elif reference is None:
        from .keyindex import KeyIndex, ReferenceKeys

        reference = ReferenceKeys([(0, KeyIndex.build(fp, allowed, settings, limit=first_new))])
    rows = np.flatnonzero(allowed[first_new:]) + first_new
    # built as the grouping asks for them (an iterator), so each job's arrays go once grouped
    jobs = itertools.chain(_lsh_job_iter(fp.minhash, rows, settings, reference, allowed),
                           (anchor_job(fp, allowed, settings, first_new, reference) for _ in (0,)))
    *band_pairs, anchor_found = group(jobs)
    lsh_uniq, _ = unique_pairs(np.concatenate(band_pairs) if band_pairs else np.zeros((0, 2), np.int64), n)
    anc_uniq, anc_counts = shared_anchor_pairs(anchor_found, n, settings)
    if first_new:
        lsh_uniq = lsh_uniq[lsh_uniq[:, 1] >= first_new]
        touching = anc_uniq[:, 1] >= first_new
        anc_uniq, anc_counts = anc_uniq[touching], anc_counts[touching]
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
