"""Sorted candidate keys of a finished run: what a later `--reference` run searches.

A run against reference documents only needs the groups (LSH band keys, anchors) that hold a
*new* document. If the reference documents' keys are kept sorted, those groups are found by a
binary search per new key: the cost follows the new documents and the number of reference
runs, not the size of the reference corpus (10k new documents against 90k: 0.25 s, where
grouping every reference key again took ~1 s).

A run's index is built the first time a later run uses it as a reference (reference.py) and
kept in its `_work/keys/` (`KeyIndex.write`): four `.npy` files read back memory-mapped
(`KeyIndex.read`), so the OS pages in only the parts the searches touch.

- `bands.keys.npy` / `bands.rows.npy`: (lsh_bands, m) the band key of each ok document, each
  band sorted by (key, row);
- `anchors.keys.npy` / `anchors.rows.npy`: every anchor entry, sorted by (key, row).

Rows are the run's own (0-based); `ReferenceKeys` puts several runs at their row offsets.
A search returns *every* entry of each key found, so a group is the group one run over all the
documents would see (its size decides `max_anchor_df` and stars the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import LexicalSettings
from ..groupby import MAX_GROUPED_ENTRIES, concat_ranges, sorted_unique
from .candidates import band_keys
from .fingerprints import Fingerprints
from .shingles import kernels

__all__ = ["SortedKeys", "KeyIndex", "ReferenceKeys", "KEYS_DIR"]

KEYS_DIR = "keys"
_FILES = ("bands.keys.npy", "bands.rows.npy", "anchors.keys.npy", "anchors.rows.npy")


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


@dataclass
class KeyIndex:
    """One run's sorted LSH band keys and anchors (rows of that run)."""

    bands: list[SortedKeys]
    anchors: SortedKeys

    @classmethod
    def build(cls, fp: Fingerprints, ok: np.ndarray, settings: LexicalSettings, limit: int | None = None) -> "KeyIndex":
        """The index of rows [0, limit) (all by default) of `fp`, ok documents only."""
        limit = len(fp) if limit is None else limit
        rows = np.flatnonzero(ok[:limit])
        bands = [SortedKeys.build(band_keys(fp.minhash, rows, b, settings), rows) for b in range(settings.lsh_bands)]
        end = int(np.searchsorted(fp.anchor_row, limit))
        keys, anchor_rows = fp.anchor_hash[:end], fp.anchor_row[:end]
        keep = ok[anchor_rows]
        if not keep.all():
            keys, anchor_rows = keys[keep], anchor_rows[keep]
        return cls(bands, SortedKeys.build(keys, anchor_rows))

    def write(self, folder: Path, write_atomically) -> None:
        """The four files in `folder` (each through `write_atomically(path, write)`)."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays = (np.stack([b.keys for b in self.bands]) if self.bands else np.zeros((0, 0), np.uint64),
                  np.stack([b.rows for b in self.bands]) if self.bands else np.zeros((0, 0), np.int32),
                  self.anchors.keys, self.anchors.rows)
        for name, array in zip(_FILES, arrays):
            write_atomically(folder / name, lambda path, a=array: _save(path, a))

    @classmethod
    def read(cls, folder: Path, settings: LexicalSettings, n_rows: int) -> "KeyIndex | None":
        """The index kept in a run's folder (memory-mapped), or None when it has none yet (never
        used as a reference, or a run of an earlier version). Raises ValueError when the files
        do not fit together."""
        if not all((folder / name).is_file() for name in _FILES):
            return None
        bands_keys, bands_rows, anchor_keys, anchor_rows = (np.load(folder / name, mmap_mode="r") for name in _FILES)
        if (bands_keys.shape != bands_rows.shape or bands_keys.shape[0] != settings.lsh_bands
                or anchor_keys.shape != anchor_rows.shape or bands_keys.shape[1] > n_rows):
            raise ValueError("its candidate key index does not match its documents")
        return cls([SortedKeys(bands_keys[b], bands_rows[b]) for b in range(settings.lsh_bands)],
                   SortedKeys(anchor_keys, anchor_rows))


def _save(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:
        np.save(f, array, allow_pickle=False)


@dataclass
class ReferenceKeys:
    """The key indexes of the reference runs, each at the row where its documents start in the
    combined corpus (references first, then the new documents)."""

    runs: list[tuple[int, KeyIndex]]

    def _matching(self, pick, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wanted = sorted_unique(wanted)
        keys, rows = [], []
        for start, index in self.runs:
            k, r = pick(index).matching(wanted)
            keys.append(k)
            rows.append(r + start)
        if not keys:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64)
        return np.concatenate(keys), np.concatenate(rows)

    def band_matching(self, band: int, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Reference entries of `band` whose key is in `wanted`."""
        return self._matching(lambda index: index.bands[band], wanted)

    def anchor_matching(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Reference anchor entries whose key is in `wanted`."""
        return self._matching(lambda index: index.anchors, wanted)
