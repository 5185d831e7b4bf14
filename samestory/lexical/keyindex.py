"""Sorted candidate keys of a finished run: what a later `--reference` run searches.

A run against reference documents only needs the groups (exact hashes, LSH band keys,
anchors) that hold a *new* document. With the reference documents' keys kept sorted, those
groups are found by a search per new key: the cost follows the new documents and the number
of reference runs, not the size of the reference corpus.

A run's index is built the first time a later run uses it as a reference (plan/references.py)
from its own map outputs (the entries its exact, candidates steps grouped), and kept in its
`_work/keys/` as two memory-mapped `.npy` files a kind (`<kind>.keys.npy`, `<kind>.rows.npy`,
sorted by (key, row)), so the OS pages in only what the searches touch. Rows are the run's
own (0-based); a search returns *every* entry of each key found, so a group is the group one
run over all the documents would see (its size decides `max_anchor_df` and stars the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..groupby import MAX_GROUPED_ENTRIES, concat_ranges, sorted_unique
from .shingles import kernels

__all__ = ["SortedKeys", "KEYS_DIR", "KINDS", "build_index", "read_index", "reference_matching"]

KEYS_DIR = "keys"
#: kinds a reference is searched for (plan/references.py builds them)
KINDS = ("exact", "bands", "anchors")


@dataclass
class SortedKeys:
    """(key, row) entries sorted by key, then row."""

    keys: np.ndarray  # (k,) uint64 ascending
    rows: np.ndarray  # (k,) int32

    @classmethod
    def build(cls, keys: np.ndarray, rows: np.ndarray) -> "SortedKeys":
        out = cls(np.empty(len(keys), np.uint64), np.empty(len(keys), np.int32))
        sort_keyed(keys, rows, out.keys, out.rows)
        return out

    def matching(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every entry whose key is in `wanted` (sorted and unique): (keys, rows)."""
        lo, counts = _match_ranges(self.keys, wanted)
        found = counts > 0
        lo, counts = lo[found], counts[found]
        at = np.repeat(lo, counts) + concat_ranges(counts)
        return np.repeat(wanted[found], counts), np.asarray(self.rows[at], dtype=np.int64)


def _match_ranges(hay: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of the ascending `wanted` starts in the ascending `hay`, and how many entries
    equal it: compiled (a galloping search, kernels.sorted_match_kernel), else np.searchsorted
    (the right side searched only for the keys found: most new keys are in no reference)."""
    compiled = kernels()
    if compiled is not None:
        lo, counts = np.empty(len(wanted), np.int64), np.empty(len(wanted), np.int64)
        compiled.sorted_match_kernel(hay, np.ascontiguousarray(wanted, dtype=np.uint64), lo, counts)
        return lo, counts
    lo = np.searchsorted(hay, wanted, side="left")
    inside = lo < len(hay)
    found = np.zeros(len(wanted), dtype=bool)
    found[inside] = hay[lo[inside]] == wanted[inside]
    counts = np.zeros(len(wanted), dtype=np.int64)
    counts[found] = np.searchsorted(hay, wanted[found], side="right") - lo[found]
    return lo, counts


def sort_keyed(keys: np.ndarray, rows: np.ndarray, out_keys: np.ndarray, out_rows: np.ndarray) -> None:
    """Sort (keys, rows) by (key, row) into the output arrays: compiled (a bucket sort,
    kernels.sort_keyed_kernel), else numpy's lexsort in ranges of the keys' high bits, so its
    temporaries cover at most ~MAX_GROUPED_ENTRIES entries (60M anchors at 1M documents).
    Ranges of high bits follow each other in key order, so the whole output is sorted."""
    compiled = kernels()
    if compiled is not None:
        bits = max(1, min(22, (len(keys) // 8).bit_length()))  # ~8 entries a bucket
        compiled.sort_keyed_kernel(np.ascontiguousarray(keys, dtype=np.uint64), np.ascontiguousarray(rows, dtype=np.int32),
                                   bits, out_keys, out_rows)
        return
    bits = max(0, int(-(-len(keys) // MAX_GROUPED_ENTRIES) - 1).bit_length())
    if bits == 0:
        order = np.lexsort((rows, keys))
        out_keys[:], out_rows[:] = keys[order], rows[order]
        return
    top = np.empty(len(keys), dtype=np.uint16)
    for lo in range(0, len(keys), MAX_GROUPED_ENTRIES):
        top[lo:lo + MAX_GROUPED_ENTRIES] = keys[lo:lo + MAX_GROUPED_ENTRIES] >> np.uint64(64 - bits)
    at = 0
    for p in range(1 << bits):
        pick = np.flatnonzero(top == p)
        order = np.lexsort((rows[pick], keys[pick]))
        out_keys[at:at + len(pick)], out_rows[at:at + len(pick)] = keys[pick][order], rows[pick][order]
        at += len(pick)


def _save(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:
        np.save(f, array, allow_pickle=False)


def build_index(folder: Path, kind: str, keys: np.ndarray, rows: np.ndarray, write_atomically=None) -> SortedKeys:
    """Sort one kind's entries; keep them in `folder` when `write_atomically` is given (a
    read-only reference is sorted again by each run that uses it)."""
    index = SortedKeys.build(keys.astype(np.uint64, copy=False), rows.astype(np.int32, copy=False))
    if write_atomically is not None:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / f"{kind}.rows.npy", lambda p: _save(p, index.rows))
        write_atomically(folder / f"{kind}.keys.npy", lambda p: _save(p, index.keys))  # last: the index is whole
    return index


def read_index(folder: Path, kind: str) -> SortedKeys | None:
    """A kind's index kept in `folder` (memory-mapped), or None when there is none yet."""
    keys, rows = folder / f"{kind}.keys.npy", folder / f"{kind}.rows.npy"
    if not (keys.is_file() and rows.is_file()):
        return None
    index = SortedKeys(np.load(keys, mmap_mode="r"), np.load(rows, mmap_mode="r"))
    if index.keys.shape != index.rows.shape:
        raise ValueError(f"its {kind} key index files do not match")
    return index


_LOADED: dict[tuple[str, str], SortedKeys] = {}  # per process: the indexes a worker has mapped


def reference_matching(references: tuple, kind: str, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every reference entry of `kind` whose key is in `wanted`: (keys, rows of this run).
    `references`: (first row, keys folder) of each reference run."""
    wanted = sorted_unique(np.asarray(wanted, dtype=np.uint64))
    keys, rows = [], []
    for start, folder in references:
        index = _LOADED.get((folder, kind))
        if index is None:
            index = read_index(Path(folder), kind)
            if index is None:
                raise FileNotFoundError(f"{folder}: no {kind} key index")
            _LOADED[(folder, kind)] = index
        k, r = index.matching(wanted)
        keys.append(k)
        rows.append(r + start)
    if not keys:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return np.concatenate(keys), np.concatenate(rows)
