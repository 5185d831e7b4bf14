"""Stage 3, fingerprint: clean texts to arrays (exact hash, MinHash signature, anchors).

`fingerprint_batch` is a pure function over a batch and returns numpy arrays only, so
batches from many processes (or cluster workers) concatenate cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import rensa
import xxhash

from ..clean.normalize import match_tokens_text, normalize_for_match
from ..config import Settings
from .shingles import shingle_set, shingles_from_tokens, token_hashes_batch
from .signature import signature_batch

__all__ = ["Fingerprints", "fingerprint_batch", "shingle_set", "concat_fingerprints", "replace_rows"]

EMPTY_SIGNATURE = np.iinfo(np.uint32).max


@dataclass
class Fingerprints:
    exact_hash: np.ndarray      # (n,) uint64: hash of the normalised text (0 for rejected)
    n_words: np.ndarray         # (n,) int32
    minhash: np.ndarray         # (n, num_perm) uint32
    anchor_hash: np.ndarray     # (m,) uint64: sampled shingles, unique per document
    anchor_row: np.ndarray      # (m,) int64: row of each anchor in this batch
    signature_hash: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))  # rewrite signature
    signature_row: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))    # (features, rows)

    def __len__(self) -> int:
        return len(self.exact_hash)


def fingerprint_batch(texts: list[str | None], settings: Settings) -> Fingerprints:
    n = len(texts)
    exact = np.zeros(n, dtype=np.uint64)
    token_texts: list[str] = []
    for i, text in enumerate(texts):
        if text is None:
            token_texts.append("")
            continue
        normalized = normalize_for_match(text)
        exact[i] = xxhash.xxh3_64_intdigest(normalized.encode("utf-8"))
        token_texts.append(match_tokens_text(normalized))
    tokens, lengths = token_hashes_batch(token_texts)
    n_words = lengths.astype(np.int32)
    flat, offsets = shingles_from_tokens(tokens, lengths, settings.shingle_words)

    minhash = np.full((n, settings.num_perm), EMPTY_SIGNATURE, dtype=np.uint32)
    counts = np.diff(offsets.astype(np.int64))
    has = np.flatnonzero(counts > 0)
    if len(has):
        rows_offsets = np.concatenate(([0], np.cumsum(counts[has]))).astype(np.uint64)
        # rensa computes the 128 permutation minimums in Rust from our shingle hashes
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            flat, rows_offsets, settings.num_perm, settings.seed
        )
        minhash[has] = np.asarray(matrix.to_rows(), dtype=np.uint32)

    row_of = np.repeat(np.arange(n, dtype=np.int64), counts)
    pick = flat % np.uint64(settings.anchor_modulus) == 0
    anchor_hash, anchor_row = flat[pick], row_of[pick]
    order = np.lexsort((anchor_hash, anchor_row))
    anchor_hash, anchor_row = anchor_hash[order], anchor_row[order]
    first = np.ones(len(anchor_hash), dtype=bool)  # an anchor repeated inside a document counts once
    first[1:] = (anchor_hash[1:] != anchor_hash[:-1]) | (anchor_row[1:] != anchor_row[:-1])
    sig_hash, sig_row = signature_batch(texts, settings) if settings.rewrites else (np.zeros(0, np.uint64), np.zeros(0, np.int64))
    return Fingerprints(
        exact_hash=exact,
        n_words=n_words,
        minhash=minhash,
        anchor_hash=anchor_hash[first],
        anchor_row=anchor_row[first],
        signature_hash=sig_hash,
        signature_row=sig_row,
    )


def concat_fingerprints(parts: list[Fingerprints], num_perm: int) -> Fingerprints:
    """Join batch results in order; anchor rows are shifted to corpus-wide row numbers."""
    if not parts:
        return Fingerprints(
            np.zeros(0, np.uint64), np.zeros(0, np.int32), np.zeros((0, num_perm), np.uint32),
            np.zeros(0, np.uint64), np.zeros(0, np.int64),
        )
    shifts = np.cumsum([0] + [len(p) for p in parts[:-1]])
    return Fingerprints(
        exact_hash=np.concatenate([p.exact_hash for p in parts]),
        n_words=np.concatenate([p.n_words for p in parts]),
        minhash=np.concatenate([p.minhash for p in parts]),
        anchor_hash=np.concatenate([p.anchor_hash for p in parts]),
        anchor_row=np.concatenate([p.anchor_row + s for p, s in zip(parts, shifts)]),
        signature_hash=np.concatenate([p.signature_hash for p in parts]),
        signature_row=np.concatenate([p.signature_row + s for p, s in zip(parts, shifts)]),
    )


def replace_rows(fp: Fingerprints, rows: np.ndarray, new: Fingerprints) -> Fingerprints:
    """`fp` with the given rows replaced by `new` (row k of `new` is row rows[k] of `fp`)."""
    exact, n_words, minhash = fp.exact_hash.copy(), fp.n_words.copy(), fp.minhash.copy()
    exact[rows], n_words[rows], minhash[rows] = new.exact_hash, new.n_words, new.minhash
    keep = ~np.isin(fp.anchor_row, rows)
    keep_sig = ~np.isin(fp.signature_row, rows)
    return Fingerprints(
        exact_hash=exact,
        n_words=n_words,
        minhash=minhash,
        anchor_hash=np.concatenate([fp.anchor_hash[keep], new.anchor_hash]),
        anchor_row=np.concatenate([fp.anchor_row[keep], rows[new.anchor_row]]),
        signature_hash=np.concatenate([fp.signature_hash[keep_sig], new.signature_hash]),
        signature_row=np.concatenate([fp.signature_row[keep_sig], rows[new.signature_row]]),
    )
