"""Lexical fingerprints of clean texts: exact hash, MinHash signature, anchors.

`fingerprint_batch` is a pure function over a batch and returns numpy arrays only, so
batches from many processes (or cluster workers) concatenate cheaply.

- exact hash: xxh3 of the normalised text (NFKC, one quote style, case-folded, spaces);
- MinHash: 128 minimums of permuted word-5-gram hashes (rensa, in Rust); the share of equal
  values between two signatures estimates the Jaccard of their shingle sets;
- anchors: the shingles whose hash is 0 modulo `anchor_modulus`. The choice depends on the
  shingle alone, so an excerpt keeps exactly the anchors of its source that fall inside it.
"""

from __future__ import annotations

import array
import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import rensa

from ..config import LexicalSettings
from ..groupby import replace_keyed_rows
from .shingles import kernels, text_shingles

__all__ = ["Fingerprints", "fingerprint_batch", "concat_fingerprints", "replace_rows", "EMPTY_SIGNATURE"]

EMPTY_SIGNATURE = np.iinfo(np.uint32).max


@dataclass
class Fingerprints:
    exact_hash: np.ndarray      # (n,) uint64: hash of the normalised text (0 for rejected)
    n_words: np.ndarray         # (n,) int32
    minhash: np.ndarray         # (n, num_perm) uint32
    anchor_hash: np.ndarray     # (m,) uint64: sampled shingles, unique per document
    anchor_row: np.ndarray      # (m,) int64: row of each anchor in this batch

    def __len__(self) -> int:
        return len(self.exact_hash)


def fingerprint_batch(texts: list[str | None], settings: LexicalSettings) -> Fingerprints:
    n = len(texts)
    exact, lengths, flat, offsets = text_shingles(texts, settings.shingle_words)
    n_words = lengths.astype(np.int32)

    counts = np.diff(offsets.astype(np.int64))
    has = np.flatnonzero(counts > 0)
    if len(has) == n:  # every text has shingles (the usual batch): rensa's rows are the signatures
        minhash = _digests(flat, offsets, n, settings)
    else:
        minhash = np.full((n, settings.num_perm), EMPTY_SIGNATURE, dtype=np.uint32)
        if len(has):
            rows_offsets = np.concatenate(([0], np.cumsum(counts[has]))).astype(np.uint64)
            minhash[has] = _digests(flat, rows_offsets, len(has), settings)

    compiled = kernels()
    if compiled is not None:
        anchor_hash, anchor_row = compiled.anchor_kernel(flat, counts, settings.anchor_modulus)
    else:
        anchor_hash, anchor_row = anchors_numpy(flat, counts, settings.anchor_modulus)
    return Fingerprints(
        exact_hash=exact, n_words=n_words, minhash=minhash, anchor_hash=anchor_hash, anchor_row=anchor_row
    )


def _digests(flat: np.ndarray, row_offsets: np.ndarray, rows: int, settings: LexicalSettings) -> np.ndarray:
    """rensa's MinHash of each row of shingle hashes (every row non-empty), as a (rows,
    num_perm) uint32 array. rensa computes the permutation minimums in Rust; its matrix comes
    out as Python lists (`to_rows`), read here through one flat array.array (~15 % less than
    np.asarray of the nested lists)."""
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, row_offsets, settings.num_perm, settings.seed)
    if _UINT32_CODE is None:
        return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(rows, settings.num_perm)
    values = array.array(_UINT32_CODE, itertools.chain.from_iterable(matrix.to_rows()))
    return np.frombuffer(values, dtype=np.uint32).reshape(rows, settings.num_perm)


#: the array.array type code of a 4-byte unsigned integer on this platform (None: none is)
_UINT32_CODE = next((code for code in ("I", "L") if array.array(code).itemsize == 4), None)


def anchors_numpy(flat: np.ndarray, counts: np.ndarray, modulus: int) -> tuple[np.ndarray, np.ndarray]:
    """The anchors without numba (and the reference for kernels.anchor_kernel): the shingles
    of each row that are 0 modulo `modulus`, sorted and unique per row."""
    row_of = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    pick = flat % np.uint64(modulus) == 0
    anchor_hash, anchor_row = flat[pick], row_of[pick]
    order = np.lexsort((anchor_hash, anchor_row))
    anchor_hash, anchor_row = anchor_hash[order], anchor_row[order]
    first = np.ones(len(anchor_hash), dtype=bool)  # an anchor repeated inside a document counts once
    first[1:] = (anchor_hash[1:] != anchor_hash[:-1]) | (anchor_row[1:] != anchor_row[:-1])
    return anchor_hash[first], anchor_row[first]


def concat_fingerprints(parts: list[Fingerprints], num_perm: int, consume: bool = False,
                        release: Callable[[], None] | None = None) -> Fingerprints:
    """Join batch results in order; anchor rows are shifted to corpus-wide row numbers.

    The result is allocated up front and filled part by part; with `consume`, each entry of
    `parts` is set to None once copied, and `release` (which gives freed heap back to the OS)
    is called every 64 MB copied. Large arrays get their memory from the OS as they are filled,
    so the corpus' fingerprints are held about once while joining, not twice as with
    np.concatenate (1.5 GB at 1M documents)."""
    n = sum(len(p) for p in parts)
    m = sum(len(p.anchor_hash) for p in parts)
    out = Fingerprints(
        np.empty(n, np.uint64), np.empty(n, np.int32), np.empty((n, num_perm), np.uint32),
        np.empty(m, np.uint64), np.empty(m, np.int64),
    )
    row = entry = copied = 0
    for i, p in enumerate(parts):
        size, anchors = len(p), len(p.anchor_hash)
        out.exact_hash[row:row + size] = p.exact_hash
        out.n_words[row:row + size] = p.n_words
        out.minhash[row:row + size] = p.minhash
        out.anchor_hash[entry:entry + anchors] = p.anchor_hash
        np.add(p.anchor_row, row, out=out.anchor_row[entry:entry + anchors], casting="unsafe")
        row, entry = row + size, entry + anchors
        if consume:
            copied += p.minhash.nbytes + p.anchor_hash.nbytes + p.anchor_row.nbytes
            parts[i] = None
            if release is not None and copied >= 64 * 2**20:
                del p
                release()
                copied = 0
    return out


def replace_rows(fp: Fingerprints, rows: np.ndarray, new: Fingerprints) -> Fingerprints:
    """`fp` with the given rows replaced by `new` (row k of `new` is row rows[k] of `fp`)."""
    exact, n_words, minhash = fp.exact_hash.copy(), fp.n_words.copy(), fp.minhash.copy()
    exact[rows], n_words[rows], minhash[rows] = new.exact_hash, new.n_words, new.minhash
    anchor_hash, anchor_row = replace_keyed_rows(fp.anchor_hash, fp.anchor_row, rows, new.anchor_hash, new.anchor_row)
    return Fingerprints(exact, n_words, minhash, anchor_hash, anchor_row)
