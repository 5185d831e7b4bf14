"""Verify: every candidate pair is checked on real data before it can merge anything.

exact: normalised texts equal; near: Jaccard of the word-shingle sets; partial: the shorter
text's shingles contained in the longer's. An LSH or anchor collision alone never links two
documents.
"""

from __future__ import annotations

import numpy as np

from ..config import LexicalSettings
from ..groupby import sorted_unique
from ..records import ExactEvidence, LexicalEvidence, Pairs
from .candidates import FROM_ANCHORS, FROM_LSH, Candidates
from .shingles import kernels, match_bytes, shingle_set_arrays

SHINGLE_BLOCK = 2_000  # texts whose shingle sets are computed in one vectorised pass

__all__ = ["classify_overlap", "verify_exact", "verify_lexical", "candidate_chunks", "verify_chunk"]


def verify_exact(texts, representative: np.ndarray, block: int = 5_000) -> Pairs:
    """Pair each exact duplicate with its group's first document, after checking the texts.
    `texts` is a text store (textstore.py), read a block of rows at a time. Texts equal as
    they are need no check; the others are compared normalised (shingles.match_bytes: one
    compiled pass per block)."""
    out = Pairs()
    rows = np.flatnonzero((representative >= 0) & (representative != np.arange(len(representative))))
    normalized: dict[int, bytes] = {}  # representatives normalised in earlier blocks
    for start in range(0, len(rows), block):
        part = rows[start:start + block]
        reps = representative[part]
        wanted = sorted_unique(np.concatenate([part, reps[~np.isin(reps, list(normalized))]]))
        text_of = dict(zip(wanted.tolist(), texts.take(wanted)))
        pairs = list(zip(part.tolist(), reps.tolist()))
        need: set[int] = set()  # equal texts normalise alike: most exact copies are equal as they are
        for row, rep in pairs:
            if rep in normalized:
                need.add(row)
            elif text_of[row] != text_of[rep]:
                need.update((row, rep))
        order = sorted(need)
        norm = dict(zip(order, match_bytes([text_of[r] for r in order])))
        for row, rep in pairs:
            if rep in normalized:
                same = norm[row] == normalized[rep]
            elif row in norm:
                same = norm[row] == norm[rep]
            else:
                same = True
            if same:  # guards against hash collisions
                out.add(rep, row, "exact", 1.0, 1.0, 1.0, ExactEvidence())
        normalized.update((rep, norm[rep]) for _, rep in pairs if rep in norm)
    return out


def classify_overlap(shared: int, size_a: int, size_b: int, settings: LexicalSettings) -> tuple[str | None, float, float, float]:
    """(relation or None, jaccard, containment of the shorter, length ratio) for two shingle sets."""
    small, large = sorted((size_a, size_b))
    if small == 0:
        return None, 0.0, 0.0, 0.0
    jaccard = shared / (size_a + size_b - shared)
    containment = shared / small
    ratio = small / large
    if (
        containment >= settings.partial_min_containment
        and ratio <= settings.partial_max_length_ratio
        and small >= settings.partial_min_shingles
    ):
        return "partial", jaccard, containment, ratio
    if jaccard >= settings.near_min_jaccard:
        return "near", jaccard, containment, ratio
    return None, jaccard, containment, ratio


def candidate_chunks(texts, candidates: Candidates, pairs_per_chunk: int = 4000):
    """Split candidates into self-contained jobs for workers: the pairs, and a text job
    (textstore.py) with which the worker reads the texts they need, from the work folder's
    shards when the run has one."""
    for start in range(0, len(candidates.pairs), pairs_per_chunk):
        part = Candidates(
            pairs=candidates.pairs[start : start + pairs_per_chunk],
            origin=candidates.origin[start : start + pairs_per_chunk],
            shared_anchors=candidates.shared_anchors[start : start + pairs_per_chunk],
        )
        yield part, texts.job(sorted_unique(part.pairs))


def verify_chunk(job, settings: LexicalSettings) -> Pairs:
    part, text_job = job
    return verify_lexical(text_job.read(), part, settings)


def verify_lexical(texts, candidates: Candidates, settings: LexicalSettings) -> Pairs:
    """Check candidate pairs on their shingle sets; `texts[row]` may be a list or a dict."""
    out = Pairs()
    # shingle sets are recomputed for the documents in candidate pairs only (cheaper in
    # memory than keeping every document's set from the fingerprint stage)
    involved = sorted_unique(candidates.pairs)
    values, offsets = _shingle_sets_of(texts, involved.tolist(), settings.shingle_words)
    local = np.searchsorted(involved, candidates.pairs).reshape(-1, 2)  # each row's set
    shared = intersect_counts(values, offsets, local[:, 0], local[:, 1])
    sizes = np.diff(offsets)
    for (a, b), origin, anchors, n_shared, size_a, size_b in zip(
        candidates.pairs.tolist(), candidates.origin.tolist(), candidates.shared_anchors.tolist(), shared.tolist(),
        sizes[local[:, 0]].tolist(), sizes[local[:, 1]].tolist(),
    ):
        relation, jaccard, containment, ratio = classify_overlap(n_shared, size_a, size_b, settings)
        if relation is None:
            continue
        found_by = [name for flag, name in ((FROM_LSH, "minhash-lsh"), (FROM_ANCHORS, "anchors")) if origin & flag]
        evidence = LexicalEvidence(
            found_by=tuple(found_by), shared_shingles=n_shared, shingles=(size_a, size_b),
            shared_anchors=anchors, length_ratio=round(ratio, 4),
        )
        score = jaccard if relation == "near" else containment
        out.add(a, b, relation, score, jaccard, containment, evidence)
    return out


def _shingle_sets_of(texts, rows: list[int], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The shingle sets of texts[r] for the given rows, flat (shingles.shingle_set_arrays),
    computed SHINGLE_BLOCK texts at a time: the vectorised pass holds ~10x its texts."""
    values, bounds, shift = [], [np.zeros(1, np.int64)], 0
    for start in range(0, len(rows), SHINGLE_BLOCK):
        v, o = shingle_set_arrays([texts[r] for r in rows[start:start + SHINGLE_BLOCK]], k)
        values.append(v)
        bounds.append(o[1:] + shift)
        shift += len(v)
    return (np.concatenate(values) if values else np.zeros(0, np.uint64)), np.concatenate(bounds)


def intersect_counts(values: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many values the sorted sets of rows a[p] and b[p] share, for every p (compiled
    merge, kernels.intersect_counts_kernel; np.intersect1d per pair without numba)."""
    out = np.zeros(len(a), dtype=np.int64)
    compiled = kernels()
    if compiled is not None:
        compiled.intersect_counts_kernel(values, offsets, np.ascontiguousarray(a, np.int64),
                                         np.ascontiguousarray(b, np.int64), out)
        return out
    return intersect_counts_numpy(values, offsets, a, b)


def intersect_counts_numpy(values: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """intersect_counts without numba, and the kernel's tests' reference."""
    bounds = offsets.tolist()
    return np.fromiter(
        (len(np.intersect1d(values[bounds[x]:bounds[x + 1]], values[bounds[y]:bounds[y + 1]], assume_unique=True))
         for x, y in zip(np.asarray(a).tolist(), np.asarray(b).tolist())),
        dtype=np.int64, count=len(a),
    )
