"""Compiled byte-level text kernels (numba) for the per-document first pass.

Hand-written because no library tokenises a UTF-8 byte buffer, hashes each word with our
polynomial (whose values are stored fingerprints and may not change) and shingles the words
in one pass; the numpy versions in lexical/shingles.py and the Python loop in
boilerplate/site_lines.py did the same in several passes with large temporaries, or one
Python call per line, and remain as the fallback and as the tests' oracle.

The text kernels take the texts of a batch as one byte buffer with per-text [start, end)
bounds and classify code points with CLASSES (built here from the Python definitions, so the
kernels split exactly where `str.split()` and the punctuation tables do). Hashing with xxh3
stays in Python (xxhash), over slices of the bytes the kernels write.

Imported lazily, by lexical.shingles.kernels() (numba's import costs ~0.2 s). The compiled
code is cached on disk (`cache=True`: next to this file, else in the user's cache folder, or
where NUMBA_CACHE_DIR says), so a process loads it (~0.1 s) instead of compiling it (~4 s);
where no cache folder is writable the kernels compile in each process, without a warning.
"""

from __future__ import annotations

import numba
import numpy as np

from .clean.normalize import _PUNCT_TO_SPACE

__all__ = [
    "CLASSES", "SPACE", "PUNCT", "shingle_kernel", "line_kernel", "anchor_kernel",
    "LINE_ZERO", "LINE_HASHED", "LINE_LONG", "LINE_SHORT", "repeated_kernel", "sorted_match_kernel",
    "sort_keyed_kernel", "intersect_counts_kernel",
]

SPACE = 1  # str.isspace(): where str.split() splits
PUNCT = 2  # a key of normalize._PUNCT_TO_SPACE: ends a word for shingling


def _char_classes() -> np.ndarray:
    """One byte per code point of the Basic Multilingual Plane. Nothing above it is a space or
    listed punctuation (tests/test_kernels.py checks this for the running Python)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    table[[c for c in range(0x10000) if chr(c).isspace()]] |= SPACE
    table[[c for c in _PUNCT_TO_SPACE if c < 0x10000]] |= PUNCT
    return table


CLASSES = _char_classes()

_POLY = np.uint64(0x100000001B3)
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_P3 = np.uint64(0x165667B19E3779F9)
_S27, _S37, _S33, _S29, _S32 = (np.uint64(x) for x in (27, 37, 33, 29, 32))


def _jit(fn):
    try:
        return numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # "no locator available": no writable cache folder, so no disk cache
        return numba.njit(nogil=True)(fn)


@_jit
def _code_point(data, i):
    """(code point, byte length) of the UTF-8 sequence at data[i] (valid UTF-8 assumed)."""
    b = np.int64(data[i])
    if b < 0x80:
        return b, 1
    if b < 0xE0:
        return ((b & 0x1F) << 6) | (np.int64(data[i + 1]) & 0x3F), 2
    if b < 0xF0:
        return ((b & 0x0F) << 12) | ((np.int64(data[i + 1]) & 0x3F) << 6) | (np.int64(data[i + 2]) & 0x3F), 3
    return 0x10000, 4  # beyond the table: every such code point is a word character


@_jit
def _mix(x):
    x = x ^ (x >> _S33)
    x = x * _P2
    x = x ^ (x >> _S29)
    x = x * _P3
    return x ^ (x >> _S32)


@_jit
def shingle_kernel(data, starts, ends, classes, k, out, flat):
    """Per text data[starts[d]:ends[d]] (the UTF-8 bytes of fold_typography(text).casefold()):

    - its whitespace collapsed (what normalize_for_match returns), written to `out` (as long
      as `data`), text d at out[out_ends[d-1]:out_ends[d]];
    - its words: the runs of characters that are neither space nor PUNCT (the words of
      match_tokens_text), each hashed as lexical.shingles.token_hashes_chunk does;
    - the shingle hashes of those words, as shingles_from_tokens makes them, written to `flat`
      (at least sum(size // 2 + 1) long: a word is a byte and a separator), text after text.
    Returns (out_ends, words per text, shingles per text).
    The caller allocates the large outputs: numpy's allocator asks for huge pages, so writing
    them costs far fewer page faults than arrays allocated here.
    """
    n = len(starts)
    longest = 0
    for d in range(n):
        longest = max(longest, ends[d] - starts[d])
    out_ends = np.empty(n, dtype=np.int64)
    n_words = np.zeros(n, dtype=np.int64)
    counts = np.zeros(n, dtype=np.int64)
    words = np.empty(longest // 2 + 1, dtype=np.uint64)
    o = 0
    s = 0
    for d in range(n):
        i = starts[d]
        end = ends[d]
        first = o
        pending = False  # a space to write before the next non-space character
        t = 0
        h = np.uint64(0)
        size = 0
        while i < end:
            b = data[i]
            if b < 0x80:
                c = classes[b]
                if c == 0:  # the common case: an ASCII word character
                    if pending:
                        out[o] = 32
                        o += 1
                        pending = False
                    out[o] = b
                    o += 1
                    h = h * _POLY + np.uint64(b)
                    size += 1
                    i += 1
                    continue
                length = 1
            else:
                cp, length = _code_point(data, i)
                c = classes[cp] if cp < 0x10000 else 0
            if c & SPACE:
                if size:
                    words[t] = h ^ (np.uint64(size) * _P1)
                    t += 1
                    h = np.uint64(0)
                    size = 0
                pending = o > first
            else:
                if pending:
                    out[o] = 32
                    o += 1
                    pending = False
                if c & PUNCT:
                    if size:
                        words[t] = h ^ (np.uint64(size) * _P1)
                        t += 1
                        h = np.uint64(0)
                        size = 0
                    for j in range(i, i + length):
                        out[o] = data[j]
                        o += 1
                else:
                    for j in range(i, i + length):
                        out[o] = data[j]
                        o += 1
                        h = h * _POLY + np.uint64(data[j])
                    size += length
            i += length
        if size:
            words[t] = h ^ (np.uint64(size) * _P1)
            t += 1
        out_ends[d] = o
        n_words[d] = t
        # every k-word window; a text shorter than k words has one shingle of all its words
        if t >= k:
            windows = t - k + 1
            for w in range(windows):
                acc = np.uint64(0)
                for j in range(k):
                    acc = ((acc << _S27) | (acc >> _S37)) ^ words[w + j]
                    acc = acc * _P1
                flat[s] = _mix(acc)
                s += 1
        elif t > 0:
            windows = 1
            acc = np.uint64(0)
            for j in range(t):
                acc = ((acc << _S27) | (acc >> _S37)) ^ words[j]
                acc = acc * _P1
            flat[s] = _mix(acc)
            s += 1
        else:
            windows = 0
        counts[d] = windows
    return out_ends, n_words, counts


# what line_kernel says about each line
LINE_ZERO = 0      # hash 0, 0 words: no letter (blank lines among them)
LINE_HASHED = 1    # hash the kernel's bytes out[line_start:line_end]
LINE_LONG = 2      # more than max_words words, not ASCII: Python casefolds and hashes it
LINE_SHORT = 3     # at most max_words words, not ASCII: Python's normalize_line


@_jit
def line_kernel(data, starts, ends, line_counts, classes, line_punct, max_words, out):
    """The lines (split on "\\n", line_counts[d] of them) of each text data[starts[d]:ends[d]]
    (UTF-8; line_counts[d] == 0 for a missing text): per line its words (as len(line.split()))
    and what to hash (see LINE_*). For an ASCII line the kernel writes the bytes to hash to
    `out` (as long as `data`): a long line (> max_words words) stripped and lowercased (its
    casefold), a short one as site_lines.normalize_line gives it (digit runs as "0",
    `line_punct` and spaces as one space, lowercase), with its words counted in that form.
    Returns (words, kind, line_start, line_end) per line."""
    n = len(starts)
    total = 0
    for d in range(n):
        total += line_counts[d]
    words = np.zeros(total, dtype=np.int32)
    kind = np.zeros(total, dtype=np.uint8)
    line_start = np.zeros(total, dtype=np.int64)
    line_end = np.zeros(total, dtype=np.int64)
    o = 0
    li = 0
    for d in range(n):
        if line_counts[d] == 0:
            continue
        end = ends[d]
        ls = starts[d]
        while True:
            # the line's end le, its words (as ASCII first: branch-free), ASCII or not
            nw = 0
            prev_space = 1
            bits = 0
            i = ls
            while i < end:
                b = data[i]
                if b == 10:
                    break
                bits |= b
                space = classes[b] & SPACE
                nw += prev_space & (space ^ 1)
                prev_space = space
                i += 1
            le = i
            ascii_only = bits < 0x80
            s = ls
            e = le
            if ascii_only:  # the stripped bounds [s, e)
                while s < e and classes[data[s]] & SPACE:
                    s += 1
                while e > s and classes[data[e - 1]] & SPACE:
                    e -= 1
            else:  # count again, code point by code point
                nw = 0
                prev_space = 1
                i = ls
                while i < le:
                    cp, length = _code_point(data, i)
                    space = classes[cp] & SPACE if cp < 0x10000 else 0
                    nw += prev_space & (space ^ 1)
                    prev_space = space
                    i += length
            if nw > max_words:
                words[li] = nw
                if ascii_only:
                    line_start[li] = o
                    source = data[s:e]  # slices: unsigned loop indices let LLVM vectorise
                    target = out[o : o + e - s]
                    for j in range(len(source)):
                        b = source[j]
                        target[j] = b + np.uint8(32) if np.uint8(65) <= b <= np.uint8(90) else b
                    o += e - s
                    line_end[li] = o
                    kind[li] = LINE_HASHED
                else:
                    kind[li] = LINE_LONG
            elif nw > 0:
                if ascii_only:
                    first = o
                    prev_digit = False
                    pending = False
                    letter = False
                    spaces = 0
                    for j in range(s, e):
                        b = data[j]
                        if 48 <= b <= 57:
                            if prev_digit:
                                continue
                            prev_digit = True
                            ch = 48
                        else:
                            prev_digit = False
                            if classes[b] & SPACE or line_punct[b]:
                                pending = o > first
                                continue
                            ch = b + 32 if 65 <= b <= 90 else b
                            if 97 <= ch <= 122:
                                letter = True
                        if pending:
                            out[o] = 32
                            o += 1
                            spaces += 1
                            pending = False
                        out[o] = ch
                        o += 1
                    if letter:
                        words[li] = spaces + 1
                        line_start[li] = first
                        line_end[li] = o
                        kind[li] = LINE_HASHED
                    else:
                        o = first
                else:
                    kind[li] = LINE_SHORT
            li += 1
            if le >= end:
                break
            ls = le + 1
    return words, kind, line_start, line_end


@_jit
def anchor_kernel(flat, counts, modulus):
    """The shingles of each row (counts[r] of them, flat, row after row) whose hash is 0 modulo
    `modulus`, sorted and unique per row: (anchor hashes, their rows), row-major."""
    mask = np.uint64(modulus - 1)
    power_of_two = (modulus & (modulus - 1)) == 0
    umod = np.uint64(modulus)
    zero = np.uint64(0)
    m = 0
    for j in range(len(flat)):
        if ((flat[j] & mask) if power_of_two else (flat[j] % umod)) == zero:
            m += 1
    hashes = np.empty(m, dtype=np.uint64)
    rows = np.empty(m, dtype=np.int64)
    m = 0
    a = 0
    for r in range(len(counts)):
        first = m
        for j in range(a, a + counts[r]):
            h = flat[j]
            if ((h & mask) if power_of_two else (h % umod)) == zero:
                hashes[m] = h
                m += 1
        a += counts[r]
        if m - first > 1:  # sorted, and an anchor repeated inside a document counts once
            hashes[first:m].sort()
            last = first + 1
            for j in range(first + 1, m):
                if hashes[j] != hashes[last - 1]:
                    hashes[last] = hashes[j]
                    last += 1
            m = last
        rows[first:m] = r
    return hashes[:m], rows[:m]


@_jit
def repeated_kernel(keys, out):
    """out[i] = True where keys[i] occurs more than once in `keys`: one pass through an
    open-addressing table (linear probing) instead of a sort. Most keys of a group-by-key step
    (LSH band keys, anchors) occur once, and a sort of only the repeated ones is much shorter."""
    n = len(keys)
    size = 2
    while size < 2 * n:
        size <<= 1
    mask = np.uint64(size - 1)
    table = np.zeros(size, np.uint64)
    seen = np.zeros(size, np.uint8)  # 0: empty slot, 1: key seen once, 2: seen again
    slot_of = np.empty(n, np.int64)
    for i in range(n):
        key = keys[i]
        slot = np.int64(_mix(key) & mask)
        while seen[slot] != 0 and table[slot] != key:
            slot = np.int64((np.uint64(slot) + np.uint64(1)) & mask)
        if seen[slot] == 0:
            seen[slot] = 1
            table[slot] = key
        else:
            seen[slot] = 2
        slot_of[i] = slot
    for i in range(n):
        out[i] = seen[slot_of[i]] == 2


@_jit
def sorted_match_kernel(hay, needles, lo_out, count_out):
    """For each of the ascending `needles`, where it starts in the ascending `hay`
    (lo_out: the first index with hay[i] >= needle) and how many entries equal it (count_out).

    Each search gallops forward from the previous needle's position (steps 1, 2, 4, ... then a
    binary search in the last step): a key index of a reference run is searched for a new
    batch's keys in time that follows the batch, reading only the pages it lands on, where
    np.searchsorted restarts a full binary search per needle (twice: left and right side)."""
    n = len(hay)
    pos = 0
    for i in range(len(needles)):
        x = needles[i]
        if pos < n and hay[pos] < x:
            last = pos  # hay[last] < x
            bound = 1
            probe = pos + 1
            while probe < n and hay[probe] < x:
                last = probe
                bound <<= 1
                probe = pos + bound
            hi = probe if probe < n else n  # hay[hi] >= x, or hi == n
            lo = last + 1
            while lo < hi:  # first index in (last, hi] with hay >= x
                mid = (lo + hi) >> 1
                if hay[mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
            pos = lo
        count = 0
        while pos + count < n and hay[pos + count] == x:
            count += 1
        lo_out[i] = pos
        count_out[i] = count


@_jit
def sort_keyed_kernel(keys, rows, bits, out_keys, out_rows):
    """(keys, rows) into out_keys / out_rows sorted by (key, row), without temporaries of the
    input's size: a counting sort on the key's top `bits` bits (the keys are hashes, so the
    buckets are even; sort_keyed picks ~8 entries a bucket), then each bucket sorted by
    (key, row): an insertion sort, or a mergesort by key first for a bucket over 32 entries.
    numpy's lexsort of the anchors of 100k documents (6M entries) took ~0.8 s and temporaries
    of about three times the input."""
    n = len(keys)
    buckets = 1 << bits
    shift = np.uint64(64 - bits)
    starts = np.zeros(buckets + 1, np.int64)
    for i in range(n):
        starts[(keys[i] >> shift) + np.uint64(1)] += 1
    for b in range(buckets):
        starts[b + 1] += starts[b]
    fill = starts[:buckets].copy()
    for i in range(n):
        b = np.int64(keys[i] >> shift)
        out_keys[fill[b]] = keys[i]
        out_rows[fill[b]] = rows[i]
        fill[b] += 1
    for b in range(buckets):
        lo, hi = starts[b], starts[b + 1]
        if hi - lo > 32:
            order = np.argsort(out_keys[lo:hi], kind="mergesort")
            out_keys[lo:hi] = out_keys[lo:hi][order]
            out_rows[lo:hi] = out_rows[lo:hi][order]
        for i in range(lo + 1, hi):  # insertion by (key, row): linear on a bucket sorted by key
            key, row = out_keys[i], out_rows[i]
            j = i - 1
            while j >= lo and (out_keys[j] > key or (out_keys[j] == key and out_rows[j] > row)):
                out_keys[j + 1] = out_keys[j]
                out_rows[j + 1] = out_rows[j]
                j -= 1
            out_keys[j + 1] = key
            out_rows[j + 1] = row


@_jit
def intersect_counts_kernel(values, offsets, a, b, out):
    """out[p] = how many values rows a[p] and b[p] share, rows being sorted sets
    values[offsets[r]:offsets[r+1]] (shingles.shingle_set_arrays). One merge per pair, without
    branches on the values: i and j advance by comparisons, so no step is mispredicted."""
    for p in range(len(a)):
        i, i_end = offsets[a[p]], offsets[a[p] + 1]
        j, j_end = offsets[b[p]], offsets[b[p] + 1]
        shared = 0
        while i < i_end and j < j_end:
            x = values[i]
            y = values[j]
            shared += x == y
            i += x <= y
            j += y <= x
        out[p] = shared
