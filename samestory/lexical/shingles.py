"""Word tokens to 64-bit shingle hashes, over a whole batch at once.

text_shingles runs one compiled pass (samestory/kernels.py, numba); the numpy functions here
compute the same values, and are its fallback and its tests' reference.

A shingle is a window of `k` consecutive words; two texts that share many shingles share
word sequences, which is what near and partial copies do and independent texts do not.
"""

from __future__ import annotations

import numpy as np
import xxhash

from ..clean.normalize import fold_typography, match_tokens_text, normalize_for_match
from ..groupby import concat_ranges, sorted_unique

_MASK64 = (1 << 64) - 1
_POLY = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_POLY_INV = _POLY
for _ in range(7):  # Newton iteration doubles the correct low bits each step
    _POLY_INV = (_POLY_INV * (2 - _POLY * _POLY_INV)) & _MASK64

_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_P3 = np.uint64(0x165667B19E3779F9)


_POWERS: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P^i and P^-i for i < n (mod 2**64), computed once per process and grown on demand."""
    if not _POWERS or len(_POWERS[0]) < n:
        size = max(n, 1 << 23)  # one text chunk (bytes, UTF-8) fits, except a single huge document
        with np.errstate(over="ignore"):
            pows = np.concatenate(([np.uint64(1)], np.cumprod(np.full(size - 1, _POLY, dtype=np.uint64))))
            inv = np.concatenate(([np.uint64(1)], np.cumprod(np.full(size - 1, _POLY_INV, dtype=np.uint64))))
        _POWERS[:] = [pows, inv]
    return _POWERS[0], _POWERS[1]


MAX_CHUNK_CHARS = 1 << 22  # ~4 MB of text per vectorised pass: bounds the uint64 temporaries


def token_hashes_batch(token_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """token_hashes_chunk over chunks of at most ~4 MB of text (memory stays flat)."""
    hashes, counts, chunk, size = [], [], [], 0
    for text in token_texts:
        if chunk and size + len(text) > MAX_CHUNK_CHARS:
            h, c = token_hashes_chunk(chunk)
            hashes.append(h)
            counts.append(c)
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 1
    h, c = token_hashes_chunk(chunk)
    hashes.append(h)
    counts.append(c)
    return np.concatenate(hashes), np.concatenate(counts)


def token_hashes_chunk(token_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every space-separated token of many texts at once: (flat hashes, tokens per text).

    Hand-written because per-token hashing in Python (regex + xxhash per word) was 60 % of the
    text path's time. Here the texts become one byte array and each token's hash is a
    polynomial over its bytes, computed for all tokens together from prefix sums:
    sum(b_i * P^(end-1-i)) = (S[end] - S[start]) * P^(end-1), with S[k] = sum_{i<k} b_i * P^-i,
    all modulo 2**64 (numpy's wrapping uint64). _mix later spreads the bits.
    """
    counts = np.fromiter((t.count(" ") + 1 if t else 0 for t in token_texts), dtype=np.int64, count=len(token_texts))
    joined = " ".join(t for t in token_texts if t)
    if not joined:
        return np.zeros(0, dtype=np.uint64), counts
    data = np.frombuffer((joined + " ").encode("utf-8"), dtype=np.uint8)
    n = len(data)
    pows, inv_pows = _powers(n)
    with np.errstate(over="ignore"):
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(data * inv_pows[:n], dtype=np.uint64)))
        ends = np.flatnonzero(data == 32)
        starts = np.concatenate(([0], ends[:-1] + 1))
        hashes = (prefix[ends] - prefix[starts]) * pows[ends - 1]
        # the token length goes in too, so "ab" and "\x00ab"-like prefixes cannot collide
        hashes = hashes ^ ((ends - starts).astype(np.uint64) * _P1)
    return hashes, counts


def _mix(values: np.ndarray) -> np.ndarray:
    """Final avalanche (from the murmur3 finaliser) so low bits are usable for sampling."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(33))
        values = values * _P2
        values = values ^ (values >> np.uint64(29))
        values = values * _P3
        return values ^ (values >> np.uint64(32))


def shingles_from_tokens(tokens: np.ndarray, lengths: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Order-sensitive hashes of every k-word window of every row: (flat hashes, row offsets).

    `tokens` are the token hashes of all rows concatenated, `lengths` the tokens per row. A row
    shorter than k words gets one shingle over all its words, so it still has a fingerprint.
    """
    n = len(tokens)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    windows = max(n - k + 1, 0)
    acc = np.zeros(windows, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = ((acc << np.uint64(27)) | (acc >> np.uint64(37))) ^ tokens[j : j + windows]
            acc = acc * _P1
    valid = np.zeros(windows, dtype=bool)
    long_docs = lengths >= k
    # windows starting at [start, start + length - k] lie inside one document
    for_doc = np.where(long_docs, lengths - k + 1, 0)
    if windows:
        idx = np.repeat(starts[:-1], for_doc) + concat_ranges(for_doc)
        valid[idx] = True
    flat = _mix(acc[valid])
    counts = for_doc.copy()
    short = np.flatnonzero(~long_docs & (lengths > 0))
    if len(short):
        # rare: one whole-text shingle per document shorter than k, spliced into its row
        values = np.empty(len(short), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for i, d in enumerate(short):
                h = np.uint64(0)
                for t in tokens[starts[d] : starts[d + 1]]:
                    h = ((h << np.uint64(27)) | (h >> np.uint64(37))) ^ t
                    h = h * _P1
                values[i] = h
        row_starts = np.concatenate(([0], np.cumsum(for_doc)))[short]
        flat = np.insert(flat, row_starts, _mix(values))
        counts[short] = 1
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.uint64)
    return flat, offsets


_KERNELS: list = []


def kernels():
    """samestory.kernels (numba), imported on first use; None where numba cannot be imported."""
    if not _KERNELS:
        try:
            from .. import kernels as compiled
        except ImportError:
            compiled = None
        _KERNELS.append(compiled)
    return _KERNELS[0]


def text_shingles(texts: list[str | None], k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For many texts at once: (exact hash, words, flat shingle hashes, row offsets).

    The exact hash is xxh3 of normalize_for_match(text) (0 for None), the words those of
    match_tokens_text(normalize_for_match(text)), the shingles shingles_from_tokens of their
    token hashes. One compiled pass over the texts' bytes (samestory.kernels); the numpy
    functions above compute the same values where numba is missing.
    """
    compiled = kernels()
    if compiled is None:
        return text_shingles_numpy(texts, k)
    n = len(texts)
    out, bounds, n_words, flat, counts = _kernel_pass(compiled, texts, k)
    view = memoryview(out)
    exact = np.fromiter(
        (0 if t is None else xxhash.xxh3_64_intdigest(view[bounds[i] : bounds[i + 1]]) for i, t in enumerate(texts)),
        dtype=np.uint64, count=n,
    )
    offsets = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(counts, out=offsets[1:])
    return exact, n_words, flat, offsets


def _kernel_pass(compiled, texts: list[str | None], k: int | None):
    """The shingle kernel over a batch: (normalised bytes, their bounds per text as a list,
    words, flat shingle hashes, shingles per text). k=None: the normalised bytes are what is
    wanted, the kernel makes one shingle a text (no window of more words than it has)."""
    n = len(texts)
    parts = [b"" if t is None else fold_typography(t).casefold().encode("utf-8") for t in texts]
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=n)
    ends = np.cumsum(lengths)
    data = np.frombuffer(b"".join(parts), dtype=np.uint8)
    del parts
    out = np.empty(len(data), dtype=np.uint8)
    if k is None:
        k = int(lengths.max(initial=0)) // 2 + 2  # more words than a text can hold: one shingle each
        flat = np.empty(n, dtype=np.uint64)
    else:
        flat = np.empty(int((lengths // 2).sum()) + n, dtype=np.uint64)
    out_ends, n_words, counts = compiled.shingle_kernel(data, ends - lengths, ends, compiled.CLASSES, k, out, flat)
    del data
    return out, [0] + out_ends.tolist(), n_words, flat[: int(counts.sum())], counts


def match_bytes(texts: list[str]) -> list[bytes]:
    """normalize_for_match(text) as UTF-8, for many texts: the normalised text the shingle
    kernel writes (what the exact hash is taken of), else normalize_for_match itself."""
    compiled = kernels()
    if compiled is None:
        return [normalize_for_match(t).encode("utf-8") for t in texts]
    out, bounds, _, _, _ = _kernel_pass(compiled, texts, None)
    data = out.tobytes()
    return [data[bounds[i]:bounds[i + 1]] for i in range(len(texts))]


def text_shingles_numpy(texts: list[str | None], k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """text_shingles without numba: the reference the compiled kernel is tested against."""
    exact = np.zeros(len(texts), dtype=np.uint64)
    token_texts: list[str] = []
    for i, text in enumerate(texts):
        if text is None:
            token_texts.append("")
            continue
        normalized = normalize_for_match(text)
        exact[i] = xxhash.xxh3_64_intdigest(normalized.encode("utf-8"))
        token_texts.append(match_tokens_text(normalized))
    tokens, lengths = token_hashes_batch(token_texts)
    flat, offsets = shingles_from_tokens(tokens, lengths, k)
    return exact, lengths, flat, offsets


def shingle_set_arrays(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The sorted unique shingle hashes of many texts, flat: text i's set is
    values[offsets[i]:offsets[i+1]] (int64 offsets). numpy sorts each text's shingles: its
    vectorised sort of a few hundred hashes beat a compiled per-row sort (numba's quicksort,
    or buckets by the top bits and an insertion sort: 2-3x slower, timed by hand)."""
    _, _, flat, offsets = text_shingles(texts, k)
    bounds = offsets.astype(np.int64).tolist()
    rows = [sorted_unique(flat[bounds[i]:bounds[i + 1]]) for i in range(len(texts))]
    sizes = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    out = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(sizes, out=out[1:])
    return (np.concatenate(rows).astype(np.uint64, copy=False) if rows else np.zeros(0, np.uint64)), out


def shingle_set(text: str, k: int) -> np.ndarray:
    """Sorted unique shingle hashes of one clean text (used when verifying a pair)."""
    return shingle_sets([text], k)[0]


def shingle_sets(texts: list[str], k: int) -> list[np.ndarray]:
    """Sorted unique shingle hashes of many texts, computed in one pass (views of one array)."""
    values, offsets = shingle_set_arrays(texts, k)
    bounds = offsets.tolist()
    return [values[bounds[i]:bounds[i + 1]] for i in range(len(texts))]
