"""Direct unit tests of the numpy kernels, checked against plain-Python references.

Each test runs in well under a second (no pipeline, no model), so a change to a kernel is
checked in seconds: `pytest tests/test_kernels.py`.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pyarrow as pa
import pytest

import dataclasses

from samestory.config import LexicalSettings, RewriteSettings
from samestory.rewrite import Signatures, concat_signatures, replace_signature_rows, signature_batch
from samestory.lexical.candidates import band_key, exact_representatives, lsh_pairs
from samestory.groupby import pairs_within_groups, unique_pairs
from samestory.lexical import Fingerprints, concat_fingerprints, fingerprint_batch, replace_rows
from samestory.lexical import shingles
from samestory.lexical.shingles import (
    shingle_set,
    shingle_sets,
    shingles_from_tokens,
    token_hashes_batch,
    token_hashes_chunk,
)
from samestory.group import connected_groups
from samestory.lexical import classify_overlap
from samestory.rewrite.align import longest_increasing_run

MASK64 = (1 << 64) - 1
# The kernel's constants, restated here so the reference is independent of the module.
POLY = 0x100000001B3
P1 = 0x9E3779B97F4A7C15
P2 = 0xC2B2AE3D27D4EB4F
P3 = 0x165667B19E3779F9


# ---------------------------------------------------------------- plain-Python references


def ref_token_hash(token: str) -> int:
    """Polynomial hash over the UTF-8 bytes (Horner, mod 2**64), length mixed in."""
    data = token.encode("utf-8")
    h = 0
    for byte in data:
        h = (h * POLY + byte) & MASK64
    return h ^ ((len(data) * P1) & MASK64)


def ref_token_hashes(texts: list[str]) -> tuple[list[int], list[int]]:
    hashes, counts = [], []
    for text in texts:
        words = text.split(" ") if text else []
        hashes.extend(ref_token_hash(w) for w in words)
        counts.append(len(words))
    return hashes, counts


def ref_mix(x: int) -> int:
    x ^= x >> 33
    x = (x * P2) & MASK64
    x ^= x >> 29
    x = (x * P3) & MASK64
    return x ^ (x >> 32)


def ref_window_hash(tokens: list[int]) -> int:
    h = 0
    for t in tokens:
        h = (((h << 27) | (h >> 37)) & MASK64) ^ t
        h = (h * P1) & MASK64
    return ref_mix(h)


def ref_shingles(docs: list[list[int]], k: int) -> tuple[list[int], list[int]]:
    """Every k-word window per document; one whole-text shingle if shorter than k; none if empty."""
    flat, offsets = [], [0]
    for doc in docs:
        if len(doc) >= k:
            flat.extend(ref_window_hash(doc[i : i + k]) for i in range(len(doc) - k + 1))
        elif doc:
            flat.append(ref_window_hash(doc))
        offsets.append(len(flat))
    return flat, offsets


def ref_pairs_within_groups(keys, rows, max_all_pairs, max_group=None) -> list[tuple[int, int]]:
    groups: dict[int, list[int]] = {}
    for key, row in zip(keys.tolist(), rows.tolist()):
        groups.setdefault(key, []).append(row)
    out = []
    for members in groups.values():
        members.sort()
        if len(members) < 2 or (max_group is not None and len(members) > max_group):
            continue
        if len(members) <= max_all_pairs:
            out.extend(itertools.combinations(members, 2))
        else:
            out.extend((members[0], m) for m in members[1:])
    return sorted(out)


def ref_components(n: int, edges: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the smaller root wins: roots are smallest members
    return [find(x) for x in range(n)]


def ref_longest_increasing(values: list[int]) -> int:
    best = 0
    for mask in range(1 << len(values)):
        chosen = [v for i, v in enumerate(values) if mask >> i & 1]
        if all(x < y for x, y in zip(chosen, chosen[1:])):
            best = max(best, len(chosen))
    return best


def random_words(rng: np.random.Generator, n: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> list[str]:
    letters = np.array(list(alphabet))
    return ["".join(rng.choice(letters, size=int(rng.integers(1, 9)))) for _ in range(n)]


def as_list(a: np.ndarray) -> list[int]:
    return [int(x) for x in a.tolist()]


# ---------------------------------------------------------------- token hashes


def test_token_hashes_match_the_reference_including_unicode_and_empty_texts():
    rng = np.random.default_rng(1)
    texts = [" ".join(random_words(rng, int(rng.integers(1, 30)))) for _ in range(40)]
    texts[3] = ""
    texts[17] = ""
    texts += ["übermäßig café 北京 ab", "x", "", "a b a b"]
    hashes, counts = token_hashes_chunk(texts)
    want_hashes, want_counts = ref_token_hashes(texts)
    assert hashes.dtype == np.uint64
    assert as_list(hashes) == want_hashes
    assert as_list(counts) == want_counts


def test_token_hash_length_mix_separates_zero_byte_prefixes():
    # without the length term "\x00ab" and "ab" would hash alike (leading zero bytes add 0)
    hashes, _ = token_hashes_chunk(["ab \x00ab \x00\x00ab"])
    assert len(set(as_list(hashes))) == 3
    assert as_list(hashes) == [ref_token_hash(t) for t in ("ab", "\x00ab", "\x00\x00ab")]


@pytest.mark.parametrize("texts", [[], [""], ["", "", ""]])
def test_token_hashes_of_no_words(texts):
    for fn in (token_hashes_chunk, token_hashes_batch):
        hashes, counts = fn(texts)
        assert len(hashes) == 0 and hashes.dtype == np.uint64
        assert as_list(counts) == [0] * len(texts)


def test_token_hashes_batch_over_many_small_chunks(monkeypatch):
    # force a chunk every few texts so chunk boundaries (and empty texts at them) are crossed
    monkeypatch.setattr(shingles, "MAX_CHUNK_CHARS", 40)
    rng = np.random.default_rng(2)
    texts = [" ".join(random_words(rng, int(rng.integers(0, 12)))) for _ in range(60)]
    texts[0] = texts[30] = texts[-1] = ""
    hashes, counts = token_hashes_batch(texts)
    want_hashes, want_counts = ref_token_hashes(texts)
    assert as_list(hashes) == want_hashes
    assert as_list(counts) == want_counts


def test_token_hashes_batch_crosses_the_real_chunk_size(monkeypatch):
    # two ~2.6 MB texts exceed one ~4 MB chunk: results must equal hashing each text alone
    first = " ".join(["alpha", "beta"] * 250_000)
    second = " ".join(["gamma"] * 420_000)
    chunks = []

    def counting_chunk(texts):
        chunks.append(len(texts))
        return token_hashes_chunk(texts)

    monkeypatch.setattr(shingles, "token_hashes_chunk", counting_chunk)
    hashes, counts = token_hashes_batch([first, "tail word", second])
    assert chunks == [2, 1]
    assert as_list(counts) == [500_000, 2, 420_000]
    alpha, beta, gamma, tail, word = (ref_token_hash(w) for w in ("alpha", "beta", "gamma", "tail", "word"))
    assert as_list(hashes[:2]) == [alpha, beta]
    assert set(as_list(hashes[:500_000:2])) == {alpha} and set(as_list(hashes[1:500_000:2])) == {beta}
    assert as_list(hashes[500_000:500_002]) == [tail, word]
    assert set(as_list(hashes[500_002:])) == {gamma}


# ---------------------------------------------------------------- shingles


@pytest.mark.parametrize("k", [1, 2, 5])
def test_shingles_from_tokens_match_the_reference(k):
    rng = np.random.default_rng(10 + k)
    lengths = rng.integers(0, 12, size=50)
    lengths[:4] = [0, k - 1, k, 0]  # empty, one short of k, exactly k, empty
    docs = [as_list(rng.integers(0, 2**64, size=int(n), dtype=np.uint64)) for n in lengths]
    tokens = np.array([t for d in docs for t in d], dtype=np.uint64)
    flat, offsets = shingles_from_tokens(tokens, lengths.astype(np.int64), k)
    want_flat, want_offsets = ref_shingles(docs, k)
    assert as_list(flat) == want_flat
    assert as_list(offsets) == want_offsets


def test_shingles_of_only_short_or_empty_documents():
    docs = [[5, 6], [], [7]]
    tokens = np.array([5, 6, 7], dtype=np.uint64)
    flat, offsets = shingles_from_tokens(tokens, np.array([2, 0, 1]), 5)
    want_flat, want_offsets = ref_shingles(docs, 5)
    assert as_list(flat) == want_flat and as_list(offsets) == want_offsets == [0, 1, 1, 2]
    flat, offsets = shingles_from_tokens(np.zeros(0, np.uint64), np.array([0, 0]), 5)
    assert len(flat) == 0 and as_list(offsets) == [0, 0, 0]


def test_shingles_are_order_sensitive():
    a, _ = shingles_from_tokens(np.array([1, 2, 3], dtype=np.uint64), np.array([3]), 3)
    b, _ = shingles_from_tokens(np.array([3, 2, 1], dtype=np.uint64), np.array([3]), 3)
    assert a[0] != b[0]


def test_shingle_sets_are_sorted_unique_and_independent_of_the_batch():
    rng = np.random.default_rng(3)
    vocab = random_words(rng, 8)  # a small vocabulary repeats 3-grams inside a text
    texts = [" ".join(rng.choice(vocab, size=int(rng.integers(0, 60)))) for _ in range(20)]
    texts[5] = ""
    texts[6] = "Two words"
    sets = shingle_sets(texts, 3)
    for text, got in zip(texts, sets):
        assert got.dtype == np.uint64
        assert np.all(got[1:] > got[:-1])  # strictly increasing: sorted and unique
        words = text.lower().split()
        docs = [ref_token_hashes([" ".join(words)])[0]]
        assert as_list(got) == sorted(set(ref_shingles(docs, 3)[0]))
        assert np.array_equal(shingle_set(text, 3), got)
    assert len(sets[5]) == 0 and len(sets[6]) == 1


# ---------------------------------------------------------------- group-by-key pairs


@pytest.mark.parametrize("seed", range(4))
def test_pairs_within_groups_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 400
    rows = rng.permutation(2000)[:n].astype(np.int64)
    # a skewed key distribution gives groups of 1, a few, and dozens
    keys = (rng.zipf(1.6, size=n) % 97).astype(np.uint64)
    max_all_pairs = int(rng.integers(2, 8))
    for max_group in (None, int(rng.integers(5, 40))):
        got = pairs_within_groups(keys, rows, max_all_pairs, max_group=max_group)
        assert got.dtype == np.int64 and got.shape[1] == 2
        assert np.all(got[:, 0] < got[:, 1])
        assert sorted(map(tuple, got.tolist())) == ref_pairs_within_groups(keys, rows, max_all_pairs, max_group)


def test_pairs_within_groups_star_and_drop():
    keys = np.array([7] * 5 + [8] * 3 + [9], dtype=np.uint64)
    rows = np.array([40, 10, 30, 20, 50, 3, 1, 2, 99], dtype=np.int64)
    got = sorted(map(tuple, pairs_within_groups(keys, rows, max_all_pairs=3).tolist()))
    # key 7 (5 rows > 3): a star from its smallest row; key 8 (3 rows): all pairs; key 9: none
    assert got == [(1, 2), (1, 3), (2, 3), (10, 20), (10, 30), (10, 40), (10, 50)]
    got = sorted(map(tuple, pairs_within_groups(keys, rows, max_all_pairs=3, max_group=4).tolist()))
    assert got == [(1, 2), (1, 3), (2, 3)]
    assert pairs_within_groups(keys[:1], rows[:1], 3).shape == (0, 2)
    assert pairs_within_groups(np.array([1, 2], np.uint64), np.array([0, 1]), 3).shape == (0, 2)


@pytest.mark.parametrize("seed", range(3))
def test_a_big_job_is_grouped_in_parts_with_the_same_pairs(seed, monkeypatch):
    import samestory.groupby as groupby

    rng = np.random.default_rng(seed)
    keys = rng.integers(0, 300, size=3000).astype(np.uint64)
    rows = rng.permutation(3000).astype(np.int64)
    job = groupby.GroupJob(keys, rows, max_all_pairs=6, max_group=40)
    whole = sorted(map(tuple, groupby.pairs_of_job(job).tolist()))
    monkeypatch.setattr(groupby, "MAX_GROUPED_ENTRIES", 256)  # 12 parts, each key in one of them
    assert len(np.unique(groupby._key_parts(keys, 12))) == 12
    parts = sorted(map(tuple, groupby.pairs_of_job(job).tolist()))
    assert parts == whole == ref_pairs_within_groups(keys, rows, 6, 40)
    keep = rng.random(3000) < 0.7  # a mask instead of a filtered copy: the same pairs
    masked = groupby.GroupJob(keys, rows, 6, 40, keep)
    want = ref_pairs_within_groups(keys[keep], rows[keep], 6, 40)
    assert sorted(map(tuple, groupby.pairs_of_job(masked).tolist())) == want
    (partitioned,) = groupby.partition_jobs([masked], 3)[1:2]
    assert set(partitioned[0].keys.tolist()) <= set(keys[keep].tolist())


def test_pairs_within_groups_after_the_repeated_keys_filter(monkeypatch):
    import samestory.groupby as groupby

    monkeypatch.setattr(groupby, "_FILTER_FROM", 2)  # the filter on every call
    rng = np.random.default_rng(11)
    keys = (rng.zipf(1.6, size=500) % 97).astype(np.uint64)
    rows = np.sort(rng.permutation(3000)[:500]).astype(np.int64)
    for max_group in (None, 12):
        got = sorted(map(tuple, groupby.pairs_within_groups(keys, rows, 4, max_group).tolist()))
        assert got == ref_pairs_within_groups(keys, rows, 4, max_group)


def test_repeated_keys_kernel_matches_counts():
    from samestory.kernels import repeated_kernel

    rng = np.random.default_rng(3)
    keys = rng.integers(0, 50, size=3000).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    keys[:5] = [0, 0, 7, 2**64 - 1, 2**64 - 1]  # zero and the largest key are keys like any other
    out = np.empty(len(keys), dtype=bool)
    repeated_kernel(keys, out)
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    assert np.array_equal(out, counts[inverse] >= 2)
    unique = np.arange(1000, dtype=np.uint64)
    repeated_kernel(unique, out[:1000])
    assert not out[:1000].any()


def test_unique_pairs_counts_match_a_counter():
    rng = np.random.default_rng(5)
    n = 30
    a = rng.integers(0, n - 1, size=500)
    b = a + rng.integers(1, n - a)
    pairs = np.stack([a, b], axis=1).astype(np.int64)
    uniq, counts = unique_pairs(pairs, n)
    want = sorted(Counter(map(tuple, pairs.tolist())).items())
    assert [tuple(p) for p in uniq.tolist()] == [p for p, _ in want]
    assert counts.tolist() == [c for _, c in want]
    empty, empty_counts = unique_pairs(np.zeros((0, 2), np.int64), n)
    assert empty.shape == (0, 2) and len(empty_counts) == 0


# ---------------------------------------------------------------- MinHash


def overlapping_texts(rng: np.random.Generator, n_words: int, shared: int) -> tuple[str, str]:
    """Two texts whose first `shared` words agree and whose other words are all different."""
    words = [f"{w}{i}" for i, w in enumerate(random_words(rng, 2 * n_words - shared))]
    return " ".join(words[:n_words]), " ".join(words[:shared] + words[n_words:])


def word_grams(text: str, k: int = 5) -> set[str]:
    words = text.split()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def test_minhash_estimate_close_to_true_jaccard_and_to_datasketch():
    datasketch = pytest.importorskip("datasketch")
    settings = LexicalSettings()
    rng = np.random.default_rng(7)
    for shared in (60, 200, 330, 396):
        a, b = overlapping_texts(rng, 400, shared)
        grams_a, grams_b = word_grams(a), word_grams(b)
        true_j = len(grams_a & grams_b) / len(grams_a | grams_b)
        # the shingle hashes keep the 5-gram sets' identity (no collisions)
        set_a, set_b = shingle_set(a, 5), shingle_set(b, 5)
        assert len(set_a) == len(grams_a) and len(set_b) == len(grams_b)
        assert len(np.intersect1d(set_a, set_b)) == len(grams_a & grams_b)

        fp = fingerprint_batch([a, b], settings)
        ours = float(np.mean(fp.minhash[0] == fp.minhash[1]))
        sketches = []
        for grams in (grams_a, grams_b):
            m = datasketch.MinHash(num_perm=settings.num_perm, seed=settings.seed)
            m.update_batch([g.encode("utf-8") for g in grams])
            sketches.append(m)
        theirs = sketches[0].jaccard(sketches[1])
        # four standard errors of a 128-permutation estimate (its variance is J(1-J)/128)
        se = max(math.sqrt(true_j * (1 - true_j) / settings.num_perm), 1 / settings.num_perm)
        assert abs(ours - true_j) <= 4 * se, (shared, ours, true_j)
        assert abs(ours - theirs) <= 4 * math.sqrt(2) * se, (shared, ours, theirs)


def test_minhash_identical_empty_and_deterministic():
    settings = LexicalSettings()
    text = "the same story told twice in the same words for the test"
    fp = fingerprint_batch([text, text.upper(), None, ""], settings)
    assert fp.minhash.shape == (4, settings.num_perm) and fp.minhash.dtype == np.uint32
    assert np.array_equal(fp.minhash[0], fp.minhash[1])  # same words after case folding
    assert np.all(fp.minhash[2] == np.iinfo(np.uint32).max) and np.all(fp.minhash[3] == np.iinfo(np.uint32).max)
    assert np.array_equal(fingerprint_batch([text], settings).minhash[0], fp.minhash[0])
    other_seed = fingerprint_batch([text], dataclasses.replace(settings, seed=2)).minhash[0]
    assert not np.array_equal(other_seed, fp.minhash[0])


# ---------------------------------------------------------------- fingerprint tables


def sample_texts(rng: np.random.Generator, n: int) -> list[str | None]:
    vocab = random_words(rng, 50) + ["Oslo", "Hvistendahl", "2003", "considerable"]
    texts: list[str | None] = []
    for _ in range(n):
        words = list(rng.choice(vocab, size=int(rng.integers(0, 80))))
        texts.append(" ".join(words))
    texts[1] = None
    return texts


def anchor_set(fp: Fingerprints) -> list[tuple[int, int]]:
    return sorted(zip(as_list(fp.anchor_row), as_list(fp.anchor_hash)))


def signature_set(sig: Signatures) -> list[tuple[int, int]]:
    return sorted(zip(as_list(sig.row), as_list(sig.feature_hash)))


def assert_same_fingerprints(got: Fingerprints, want: Fingerprints) -> None:
    assert np.array_equal(got.exact_hash, want.exact_hash)
    assert np.array_equal(got.n_words, want.n_words)
    assert np.array_equal(got.minhash, want.minhash)
    assert anchor_set(got) == anchor_set(want)


def test_concat_fingerprints_equals_one_batch():
    settings = LexicalSettings(anchor_modulus=2)  # many anchors
    texts = sample_texts(np.random.default_rng(11), 12)
    bounds = ((0, 5), (5, 5), (5, 12))
    parts = [fingerprint_batch(texts[s:e], settings) for s, e in bounds]
    whole = fingerprint_batch(texts, settings)
    got = concat_fingerprints(parts, settings.num_perm)
    assert_same_fingerprints(got, whole)
    assert np.array_equal(got.anchor_row, whole.anchor_row)  # order kept too: row-major
    rewrite = RewriteSettings(min_words=1)
    sig_parts = [signature_batch(texts[s:e], rewrite) for s, e in bounds]
    whole_sig = signature_batch(texts, rewrite)
    assert signature_set(concat_signatures(sig_parts, [e - s for s, e in bounds])) == signature_set(whole_sig)
    assert len(whole.anchor_row) and len(whole_sig.row)  # the checks above had rows to shift
    empty = concat_fingerprints([], settings.num_perm)
    assert len(empty) == 0 and empty.minhash.shape == (0, settings.num_perm)


def test_replace_rows_equals_fingerprinting_the_new_texts():
    settings = LexicalSettings(anchor_modulus=2)
    rng = np.random.default_rng(12)
    texts = sample_texts(rng, 10)
    rows = np.array([7, 0, 4], dtype=np.int64)
    new_texts = ["a fresh text with enough words to give several shingles", None, "Short One"]
    fp = fingerprint_batch(texts, settings)
    got = replace_rows(fp, rows, fingerprint_batch(new_texts, settings))
    edited = list(texts)
    for row, text in zip(rows.tolist(), new_texts):
        edited[row] = text
    assert_same_fingerprints(got, fingerprint_batch(edited, settings))
    # the input is left as it was
    assert_same_fingerprints(fp, fingerprint_batch(texts, settings))
    rewrite = RewriteSettings(min_words=1)
    sig = replace_signature_rows(signature_batch(texts, rewrite), rows, signature_batch(new_texts, rewrite))
    assert signature_set(sig) == signature_set(signature_batch(edited, rewrite))


def test_exact_representatives_match_first_occurrence():
    rng = np.random.default_rng(13)
    hashes = rng.integers(0, 6, size=60).astype(np.uint64)
    ok = rng.random(60) < 0.7
    got = exact_representatives(hashes, ok)
    first: dict[int, int] = {}
    for row in range(60):
        if ok[row]:
            first.setdefault(int(hashes[row]), row)
    want = [first[int(hashes[r])] if ok[r] else -1 for r in range(60)]
    assert got.tolist() == want
    assert exact_representatives(hashes, np.zeros(60, bool)).tolist() == [-1] * 60


def test_band_keys_collide_only_on_identical_bands():
    rng = np.random.default_rng(14)
    block = rng.integers(0, 2**32, size=(200, 4), dtype=np.uint32)
    block[50] = block[10]
    block[51] = block[10]
    block[52] = block[10]
    block[52, 3] ^= 1  # one value differs in one bit
    block[53] = block[10][::-1]  # same values, other order
    keys = band_key(block)
    assert keys[50] == keys[10] == keys[51]
    distinct_rows = len({tuple(r) for r in block.tolist()})
    assert len(set(as_list(keys))) == distinct_rows  # every other band has its own key


def test_lsh_pairs_need_one_whole_band():
    settings = LexicalSettings()
    rng = np.random.default_rng(15)
    r = settings.lsh_rows
    minhash = rng.integers(0, 2**32, size=(6, settings.num_perm), dtype=np.uint32)
    minhash[1, 5 * r : 6 * r] = minhash[0, 5 * r : 6 * r]  # rows 0 and 1 share band 5
    minhash[3] = minhash[2]
    minhash[3, ::r] += 1  # rows 2 and 3 agree on 3 of 4 values in every band, never a whole band
    minhash[5] = minhash[4]
    got = lsh_pairs(minhash, np.arange(6), settings)
    assert sorted(set(map(tuple, got.tolist()))) == [(0, 1)] + [(4, 5)]
    # only the given rows take part
    assert sorted(set(map(tuple, lsh_pairs(minhash, np.array([0, 2, 3, 4, 5]), settings).tolist()))) == [(4, 5)]


# ---------------------------------------------------------------- groups and alignment


@pytest.mark.parametrize("seed", range(3))
def test_connected_groups_match_union_find(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))
    m = int(rng.integers(0, n + 1))
    a = rng.integers(0, n, size=m)
    b = rng.integers(0, n, size=m)
    got = connected_groups(n, a, b)
    assert got.tolist() == ref_components(n, list(zip(a.tolist(), b.tolist())))


def test_connected_groups_edge_cases():
    assert connected_groups(0, [], []).tolist() == []
    assert connected_groups(3, [], []).tolist() == [0, 1, 2]
    assert connected_groups(4, [3, 2], [2, 1]).tolist() == [0, 1, 1, 1]
    assert connected_groups(3, [2, 2], [2, 2]).tolist() == [0, 1, 2]  # self loops and repeats


def test_longest_increasing_run_matches_brute_force():
    rng = np.random.default_rng(21)
    for _ in range(150):
        values = rng.integers(0, 6, size=int(rng.integers(0, 9))).tolist()  # repeats test strictness
        assert longest_increasing_run(values) == ref_longest_increasing(values), values


# ---------------------------------------------------------------- overlap classification


def test_classify_overlap_boundaries():
    s = LexicalSettings()
    assert (s.near_min_jaccard, s.partial_min_containment, s.partial_max_length_ratio, s.partial_min_shingles) == (
        0.5, 0.7, 0.8, 20,
    )  # the cases below sit on these defaults
    assert classify_overlap(0, 0, 50, s) == (None, 0.0, 0.0, 0.0)
    # near: Jaccard exactly at the threshold, then one shingle below
    assert classify_overlap(20, 30, 30, s) == ("near", 0.5, 20 / 30, 1.0)
    assert classify_overlap(19, 30, 30, s)[0] is None
    # partial: containment and length ratio exactly at their thresholds
    assert classify_overlap(14, 20, 25, s) == ("partial", 14 / 31, 0.7, 0.8)
    assert classify_overlap(14, 25, 20, s) == ("partial", 14 / 31, 0.7, 0.8)  # order of a, b does not matter
    assert classify_overlap(13, 20, 25, s)[0] is None  # containment 0.65
    # too close in length for partial: a fully contained text of similar size is near
    assert classify_overlap(20, 20, 24, s)[0] == "near"
    # too few shingles in the shorter text for partial (19 < 20), and Jaccard 14/29 < 0.5
    assert classify_overlap(14, 19, 24, s)[0] is None
    # both hold: partial is checked first
    assert classify_overlap(40, 40, 50, s)[0] == "partial"


def test_classify_overlap_follows_the_settings():
    s = LexicalSettings(near_min_jaccard=0.9, partial_min_containment=0.5, partial_max_length_ratio=0.5, partial_min_shingles=3)
    assert classify_overlap(20, 30, 30, s)[0] is None
    assert classify_overlap(2, 4, 8, s)[0] == "partial"
    assert classify_overlap(2, 4, 9, s)[0] == "partial"
    assert classify_overlap(2, 4, 7, s)[0] is None  # ratio 4/7 > 0.5
    assert classify_overlap(1, 2, 8, s)[0] is None  # 2 shingles < 3
    assert classify_overlap(28, 29, 29, s)[0] == "near"  # Jaccard 28/30
    assert classify_overlap(27, 29, 29, s)[0] is None  # Jaccard 27/31


# ---------------------------------------------------------------- typography fold

import unicodedata

from samestory.clean.normalize import TYPOGRAPHY_FOLD, fold_typography


def test_fold_typography_equals_translate():
    # replacing character after character equals str.translate only while no replacement
    # holds a character of the table
    assert not any(chr(c) in "".join(TYPOGRAPHY_FOLD.values()) for c in TYPOGRAPHY_FOLD)
    every = "".join(chr(c) for c in TYPOGRAPHY_FOLD) + "".join(map(chr, range(128)))
    for text in [every, every[::-1], "it's `quoted` ``twice``", "", "Ünïcödé ß", "it’s “quoted” — dashed", "zero\u200bwidth"]:
        assert fold_typography(text) == unicodedata.normalize("NFKC", text).translate(TYPOGRAPHY_FOLD)


# ---------------------------------------------------------------- compiled kernels (numba)
#
# samestory/kernels.py must give exactly the values of the numpy and Python code it replaces
# (fingerprints of earlier runs are stored and reused), so each kernel is checked against
# that code, which stays as the fallback where numba is missing.

import re

import xxhash

from samestory import kernels as compiled
from samestory.boilerplate.site_lines import line_hashes_batch, line_hashes_python, normalize_line
from samestory.clean.normalize import _PUNCT_TO_SPACE
from samestory.lexical.fingerprints import anchors_numpy
from samestory.lexical.shingles import text_shingles, text_shingles_numpy

# ASCII, digits, punctuation, tabs and line ends, 2-, 3- and 4-byte UTF-8, Unicode spaces
# (NBSP, ideographic, line separator, NEL), listed non-ASCII punctuation, characters that
# NFKC, the typography fold or casefold change (ligature, full-width, Kelvin sign, sharp s,
# dotted I, curly quote, dash, zero width space), control characters.
ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") * 3
    + list(" " * 20 + "\t\n\r\x0b\x0c.,;:!?'\"()-_/`@#")
    + ["é", "ß", "İ", "ø", "北", "京", "👍", "𝔘", "\u3000", "\u2028", "\x85", "\xa0", "\u2009", "\x1c",
       "«", "»", "…", "，", "。", "、", "\u200b", "\u2019", "\u201c", "\u2014", "ﬁ", "Ａ", "\u212a", "\x00", "\x7f"]
)


ASCII_ALPHABET = [c for c in ALPHABET if c.isascii()]


def random_texts(rng: np.random.Generator, n: int, max_chars: int = 120, alphabet=ALPHABET) -> list[str | None]:
    texts: list[str | None] = []
    for _ in range(n):
        size = int(rng.integers(0, max_chars))
        texts.append("".join(rng.choice(alphabet, size=size)))
    return texts


EDGE_TEXTS = [
    None, "", " ", "\n\n", "\u3000 \u2028", "...", "«»", "one", "two words", "three little words",
    "four words in all", "five words and no more", "  Leading and trailing  ", "a,b;c.d", "Ünïcödé ß İstanbul",
    "北京、東京。大阪", "👍 emoji 𝔘𝔫𝔦 word", "tab\tand\u00a0nbsp\u2009thin", "x\u2028y\x85z", "ﬁne ＡＢＣ \u212aelvin",
    "it’s “quoted” — dashed `tick`", "zero\u200bwidth", "\x00ab \x00\x00ab ab", "1,000 apples_and 22 pears!!",
]


def assert_same_arrays(got, want):
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        assert np.array_equal(g, w)


def test_compiled_kernels_are_in_use():
    assert shingles.kernels() is compiled  # else the tests below compare the fallback with itself


@pytest.mark.parametrize("k", [1, 2, 5])
def test_shingle_kernel_matches_numpy(k):
    rng = np.random.default_rng(30 + k)
    texts = EDGE_TEXTS + random_texts(rng, 200) + random_texts(rng, 100, 120, ASCII_ALPHABET)
    assert_same_arrays(text_shingles(texts, k), text_shingles_numpy(texts, k))
    for text in texts[:40]:  # one text at a time as well (shingle_set does that)
        assert_same_arrays(text_shingles([text], k), text_shingles_numpy([text], k))
    assert_same_arrays(text_shingles([], k), text_shingles_numpy([], k))
    assert_same_arrays(text_shingles([None, None], k), text_shingles_numpy([None, None], k))


def test_shingle_kernel_matches_numpy_across_chunks_and_long_texts(monkeypatch):
    rng = np.random.default_rng(40)
    vocab = np.array(random_words(rng, 500, alphabet="abcdéfghß北👍,."))
    long_text = " ".join(vocab[rng.integers(0, len(vocab), size=60_000)])
    texts = random_texts(rng, 50, 400) + [long_text] + random_texts(rng, 50, 400)
    want = text_shingles_numpy(texts, 5)
    assert_same_arrays(text_shingles(texts, 5), want)
    monkeypatch.setattr(shingles, "MAX_CHUNK_CHARS", 300)  # the reference in many chunks
    assert_same_arrays(text_shingles_numpy(texts, 5), want)
    assert_same_arrays(text_shingles(texts, 5), want)


def test_shingle_kernel_matches_plain_python():
    # independent of both implementations: the token and window hashes written out above
    rng = np.random.default_rng(41)
    texts = EDGE_TEXTS + random_texts(rng, 100)
    exact, n_words, flat, offsets = text_shingles(texts, 5)
    for i, text in enumerate(texts):
        normalized = " ".join(fold_typography(text).casefold().split()) if text is not None else None
        words = normalized.translate(_PUNCT_TO_SPACE).split() if normalized is not None else []
        assert n_words[i] == len(words)
        doc, _ = ref_token_hashes([" ".join(words)])
        assert as_list(flat[int(offsets[i]) : int(offsets[i + 1])]) == ref_shingles([doc], 5)[0]
        assert exact[i] == (0 if text is None else xxhash.xxh3_64_intdigest(normalized.encode()))


@pytest.mark.parametrize("modulus", [1, 3, 8, 7919])
def test_anchor_kernel_matches_numpy(modulus):
    rng = np.random.default_rng(modulus)
    counts = rng.integers(0, 40, size=60)
    counts[:3] = 0
    flat = rng.integers(0, 2**64, size=int(counts.sum()), dtype=np.uint64)
    flat[5:15] = flat[15:25] = flat[0:10]  # repeats inside and across rows
    flat[: len(flat) // 2] -= flat[: len(flat) // 2] % np.uint64(modulus)  # many anchors
    assert_same_arrays(compiled.anchor_kernel(flat, counts, modulus), anchors_numpy(flat, counts, modulus))
    empty = np.zeros(0, np.uint64)
    assert_same_arrays(compiled.anchor_kernel(empty, np.zeros(2, np.int64), modulus), anchors_numpy(empty, np.zeros(2, np.int64), modulus))


def test_fingerprint_batch_same_with_and_without_kernels(monkeypatch):
    settings = LexicalSettings(anchor_modulus=3)
    texts = EDGE_TEXTS + random_texts(np.random.default_rng(42), 200, 600)
    got = fingerprint_batch(texts, settings)
    monkeypatch.setattr(shingles, "_KERNELS", [None])
    assert shingles.kernels() is None
    want = fingerprint_batch(texts, settings)
    assert_same_arrays(
        [got.exact_hash, got.n_words, got.minhash, got.anchor_hash, got.anchor_row],
        [want.exact_hash, want.n_words, want.minhash, want.anchor_hash, want.anchor_row],
    )


LINE_TEXTS = [
    None, "", "\n", "one line", "Two\nlines", "trailing newline\n", "\n\nblank first", " \t \n\u3000\n\x85\n\u2028",
    "© 2024 London Glossy Post.\nPosted 3 May 2024 — Comments (12)\nShare:  Facebook | X\n——",
    "1,000 apples_and 22 pears!!\n12ab34 a1b2c3\n__init__ x_y", "CAPS and Mixed Case\r\nwindows line\r\n",
    "ÉCOLE publique\nstraße ß\nİstanbul\n北京、東京\n👍 ok", "\x00ab \x1cc\x1fd \x7fe",
    " ".join(["word"] * 70) + "\n" + " ".join(["Wörd"] * 70) + "\n  " + " ".join(["LONG"] * 61) + "  ",
]


@pytest.mark.parametrize("max_words", [None, 0, 1, 3, 60])
def test_line_kernel_matches_python(max_words):
    rng = np.random.default_rng(50 if max_words is None else 51 + max_words)
    texts = LINE_TEXTS + random_texts(rng, 200, 300) + random_texts(rng, 200, 300, ASCII_ALPHABET)
    got, want = line_hashes_batch(texts, max_words), line_hashes_python(texts, max_words)
    assert_same_arrays([got.offsets, got.hashes, got.words], [want.offsets, want.hashes, want.words])
    got, want = line_hashes_batch([], max_words), line_hashes_python([], max_words)
    assert_same_arrays([got.offsets, got.hashes, got.words], [want.offsets, want.hashes, want.words])


def test_character_classes_cover_every_space_and_listed_punctuation():
    # the kernels look code points up in a table of the Basic Multilingual Plane only
    above = "".join(map(chr, range(0x10000, 0x110000)))
    assert re.search(r"\s", above) is None  # str.split() splits on no code point above it
    assert all(c < 0x10000 for c in _PUNCT_TO_SPACE)
    spaces = {c for c in range(0x10000) if chr(c).isspace()}
    assert {c for c in range(0x10000) if compiled.CLASSES[c] & compiled.SPACE} == spaces
    assert {c for c in range(0x10000) if compiled.CLASSES[c] & compiled.PUNCT} == set(_PUNCT_TO_SPACE)
    # a line of spaces only is a line without letters for normalize_line too (the kernel's shortcut)
    assert all(normalize_line(chr(c) * 2) == "" for c in spaces)


def test_kernels_compile_without_a_cache_folder(monkeypatch):
    # where numba finds no writable cache folder it raises at decoration; the kernels then
    # compile in each process instead of failing
    real = compiled.numba.njit

    def no_cache(*args, **kwargs):
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return real(*args, **kwargs)

    monkeypatch.setattr(compiled.numba, "njit", no_cache)

    def double(x):
        return 2 * x

    assert compiled._jit(double)(21) == 42


def test_batches_close_at_a_count_or_at_a_content_size():
    from samestory.records import RawDocument
    from samestory.steps.read import _batches

    docs = [RawDocument(doc_id=str(i), source="s", kind="text", content="x" * n) for i, n in enumerate([5, 5, 30, 1, 1, 1])]
    sizes = lambda batches: [[d.doc_id for d in b] for b in batches]  # noqa: E731
    assert sizes(_batches(iter(docs), 4, 1000)) == [["0", "1", "2", "3"], ["4", "5"]]
    assert sizes(_batches(iter(docs), 4, 10)) == [["0", "1"], ["2"], ["3", "4", "5"]]
    assert sizes(_batches(iter([]), 4, 10)) == []


def test_concat_fingerprints_consumes_its_parts_and_gives_the_same_arrays():
    settings = LexicalSettings()
    texts = [" ".join(f"w{i}x{j}" for j in range(40)) for i in range(9)]
    parts = [fingerprint_batch(texts[k:k + 3], settings) for k in range(0, 9, 3)]
    kept = concat_fingerprints(list(parts), settings.num_perm)
    calls = []
    consumed = list(parts)
    joined = concat_fingerprints(consumed, settings.num_perm, consume=True, release=lambda: calls.append(1))
    assert consumed == [None, None, None] and calls == []  # 64 MB were not reached
    whole = fingerprint_batch(texts, settings)
    for name in ("exact_hash", "n_words", "minhash", "anchor_hash", "anchor_row"):
        assert np.array_equal(getattr(joined, name), getattr(whole, name)), name
        assert np.array_equal(getattr(kept, name), getattr(whole, name)), name
        assert getattr(joined, name).dtype == getattr(whole, name).dtype


@pytest.mark.parametrize("seed", range(5))
def test_sorted_match_kernel_equals_searchsorted(seed):
    """The galloping search gives np.searchsorted's left side and the count of equal keys,
    with repeated keys, keys past either end and empty inputs."""
    from samestory import kernels

    rng = np.random.default_rng(seed)
    for n, m in ((0, 5), (5, 0), (60, 40), (400, 30), (30, 400)):
        hay = np.sort(rng.integers(0, 50, n).astype(np.uint64))
        wanted = np.unique(rng.integers(0, 60, m).astype(np.uint64))
        lo, counts = np.empty(len(wanted), np.int64), np.empty(len(wanted), np.int64)
        kernels.sorted_match_kernel(hay, wanted, lo, counts)
        left = np.searchsorted(hay, wanted, side="left")
        assert np.array_equal(lo, left)
        assert np.array_equal(counts, np.searchsorted(hay, wanted, side="right") - left)


def test_key_matching_without_numba_equals_the_kernel(monkeypatch):
    from samestory.lexical import keyindex

    rng = np.random.default_rng(3)
    sorted_keys = keyindex.SortedKeys.build(rng.integers(0, 200, 500).astype(np.uint64), rng.integers(0, 90, 500))
    wanted = np.unique(rng.integers(0, 260, 80).astype(np.uint64))
    compiled = keyindex.SortedKeys.matching(sorted_keys, wanted)
    monkeypatch.setattr(keyindex, "kernels", lambda: None)
    fallback = sorted_keys.matching(wanted)
    assert all(np.array_equal(a, b) for a, b in zip(compiled, fallback))
    keys, rows = fallback
    expected = sorted((int(k), int(r)) for k, r in zip(sorted_keys.keys, sorted_keys.rows) if k in set(wanted.tolist()))
    assert sorted(zip(keys.tolist(), rows.tolist())) == expected


@pytest.mark.parametrize("compiled", [True, False])
def test_sort_keyed_equals_lexsort(monkeypatch, compiled):
    """Key indexes are sorted by (key, row): with numba a bucket sort (big buckets, ties and
    rows out of order included), without it lexsort one range of high key bits at a time
    (bounded temporaries); the ranges follow each other, so both are the one lexsort."""
    from samestory.lexical import keyindex

    rng = np.random.default_rng(4)
    keys = rng.integers(0, 2**63, 5000, dtype=np.int64).astype(np.uint64) * np.uint64(2)
    keys[:100] = keys[100:200]  # repeated keys across rows
    keys[200:300] = np.uint64(12345)  # one bucket of 100 entries
    rows = rng.integers(0, 700, 5000)
    if not compiled:
        monkeypatch.setattr(keyindex, "kernels", lambda: None)
        monkeypatch.setattr(keyindex, "MAX_GROUPED_ENTRIES", 700)  # 8 ranges
    for n in (0, 1, 40, 5000):
        out_keys, out_rows = np.empty(n, np.uint64), np.empty(n, np.int32)
        keyindex.sort_keyed(keys[:n], rows[:n], out_keys, out_rows)
        order = np.lexsort((rows[:n], keys[:n]))
        assert np.array_equal(out_keys, keys[:n][order]) and np.array_equal(out_rows, rows[:n][order])


@pytest.mark.parametrize("values", [np.zeros(0, np.uint64), np.array([7], np.uint64),
                                    np.array([[3, 1], [3, 9]], np.int64),
                                    np.random.default_rng(5).integers(0, 40, 300).astype(np.uint64)])
def test_sorted_unique_equals_np_unique(values):
    from samestory.groupby import sorted_unique

    assert np.array_equal(sorted_unique(values), np.unique(values))


def test_pair_order_is_the_stable_sort_by_rows():
    from samestory.output.tables import pair_order
    from samestory.records import ExactEvidence, Pairs

    pairs = Pairs()
    for a, b in ((3, 5), (1, 9), (3, 4), (1, 9), (0, 2)):
        pairs.add(np.int64(a), np.int64(b), "exact", 1.0, 1.0, 1.0, ExactEvidence())
    assert pair_order(pairs) == sorted(range(5), key=lambda k: (pairs.a[k], pairs.b[k]))
