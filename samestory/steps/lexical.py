"""Steps exact, candidates and verify: the lexical tiers as shuffles.

exact (one task per key partition of the exact hashes): documents with equal hashes; the first
row of each hash is its representative, every other is paired with it once their normalised
texts are checked equal (lexical/verify.py's rule). Writes the exact pairs, and the rows that
are not representatives (which take no further part in matching).

candidates (one task per key partition of the LSH band keys and anchors): the documents
sharing a band key or an anchor (groupby.pairs_within_groups: all pairs of small buckets, star
pairs of big ones, anchors held by more than `max_anchor_df` documents dropped), as
(a, b, found by LSH, anchors shared in this partition), partitioned again by the pair's first
row, so that one verify task sees every key two documents share.

verify (one task per row range): the partition's pairs summed over the candidate tasks; a pair
is a candidate when LSH found it or it shares `min_shared_anchors` anchors; each is checked
on the real shingle sets (lexical/verify.py) with texts the task reads itself.

Rows before `parts.first_new` are reference documents: their keys come from the reference
runs' key indexes (lexical/keyindex.py), and only pairs with a new row are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..clean.normalize import normalize_for_match
from ..config import LexicalSettings
from ..groupby import pairs_within_groups, sorted_unique, unique_pairs
from ..lexical.candidates import FROM_ANCHORS, FROM_LSH, Candidates
from ..lexical.verify import verify_lexical
from ..plan.folder import TaskFiles
from ..plan.parts import Parts, PartTexts
from ..plan.shuffle import range_parts, read_partition, write_partitioned
from ..records import ExactEvidence, Pairs
from .pairs import write_pairs

__all__ = ["KeyedArgs", "exact_partition", "candidates_partition", "VerifyArgs", "verify_partition", "entries"]

VERIFY_CHUNK = 20_000  # candidate pairs verified at once (a task holds their texts and shingle sets)


@dataclass(frozen=True)
class KeyedArgs:
    parts: Parts
    partition: int
    changed: str | None        # rows/changed.npy: rows whose entries come from the finalize step
    allowed: str | None = None  # rows/allowed.npy: rows that head their exact group
    settings: LexicalSettings | None = None
    pair_bounds: tuple[int, ...] = ()  # the verify partitions' first rows
    references: tuple = ()     # lexical.keyindex.ReferenceKeys sources (reference runs)


def _mask(path: str | None) -> np.ndarray | None:
    return np.load(path, mmap_mode="r") if path else None


def entries(parts: Parts, kind: str, partition: int, changed: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(key, row) of partition `partition` of the `kind` map outputs of this run's parts: the
    read step's entries for rows the finalize step did not change, then the finalize step's."""
    got = read_partition(parts.outputs(kind), partition, dtypes={"key": np.uint64, "row": np.int64})
    keys, rows = got["key"], got["row"]
    mask = _mask(changed)
    if mask is not None and len(rows):
        keep = ~mask[rows]
        keys, rows = keys[keep], rows[keep]
    again = read_partition(parts.change_outputs(kind), partition, dtypes={"key": np.uint64, "row": np.int64})
    if len(again["key"]):
        keys, rows = np.concatenate([keys, again["key"]]), np.concatenate([rows, again["row"]])
    return keys, rows


def exact_partition(files: TaskFiles, args: KeyedArgs) -> dict:
    keys, rows = entries(args.parts, "exact", args.partition, args.changed)
    keys, rows = _with_reference_entries(args, "exact", keys, rows)
    order = np.lexsort((rows, keys))
    keys, rows = keys[order], rows[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(keys)), 0)) if len(keys) else np.zeros(0, np.int64)
    reps = rows[group_start]
    dup = ~first
    if args.parts.first_new:  # reference rows are compared with new rows only
        dup &= rows >= args.parts.first_new
    dup_rows, dup_reps = rows[dup], reps[dup]
    pairs = Pairs()
    texts = PartTexts(args.parts)
    normalized: dict[int, str] = {}
    for lo in range(0, len(dup_rows), VERIFY_CHUNK):
        part_rows, part_reps = dup_rows[lo:lo + VERIFY_CHUNK], dup_reps[lo:lo + VERIFY_CHUNK]
        wanted = sorted_unique(np.concatenate([part_rows, part_reps]))
        text_of = dict(zip(wanted.tolist(), texts.take(wanted)))
        for row, rep in zip(part_rows.tolist(), part_reps.tolist()):
            text = text_of[row]
            if text == text_of[rep]:  # equal texts normalise alike: most exact copies are
                same = True
            else:
                if rep not in normalized:
                    normalized[rep] = normalize_for_match(text_of[rep])
                same = normalize_for_match(text) == normalized[rep]
            if same:  # guards against hash collisions
                pairs.add(rep, row, "exact", 1.0, 1.0, 1.0, ExactEvidence())
    write_pairs(files, pairs)
    files.write("dups.npy", lambda p: _save(p, dup_rows.astype(np.int64)))
    return {"pairs": len(pairs), "duplicates": int(len(dup_rows))}


def _save(path, array: np.ndarray) -> None:
    with open(path, "wb") as handle:
        np.save(handle, array)


def _with_reference_entries(args: KeyedArgs, kind: str, keys: np.ndarray, rows: np.ndarray):
    """The reference runs' entries for the keys of this partition's new entries (searched in
    their sorted key indexes), in front of the new entries."""
    if not args.references:
        return keys, rows
    from ..lexical.keyindex import reference_matching

    ref_keys, ref_rows = reference_matching(args.references, kind, keys)
    return np.concatenate([ref_keys, keys]), np.concatenate([ref_rows, rows])


def candidates_partition(files: TaskFiles, args: KeyedArgs) -> dict:
    settings = args.settings
    n = args.parts.n
    allowed = _mask(args.allowed)
    found = {}
    for kind, max_group in (("bands", None), ("anchors", settings.max_anchor_df)):
        keys, rows = entries(args.parts, kind, args.partition, args.changed)
        keys, rows = _with_reference_entries(args, kind, keys, rows)
        if allowed is not None and len(rows):
            keep = allowed[rows]
            keys, rows = keys[keep], rows[keep]
        found[kind] = unique_pairs(pairs_within_groups(keys, rows, settings.max_bucket_pairs_size, max_group), n)
    (lsh, _), (anc, counts) = found["bands"], found["anchors"]
    code = np.concatenate([lsh[:, 0] * n + lsh[:, 1], anc[:, 0] * n + anc[:, 1]])
    uniq, inverse = np.unique(code, return_inverse=True)
    flag = np.zeros(len(uniq), dtype=np.uint8)
    shared = np.zeros(len(uniq), dtype=np.int32)
    flag[inverse[:len(lsh)]] = 1
    shared[inverse[len(lsh):]] = counts
    a, b = uniq // max(n, 1), uniq % max(n, 1)
    if args.parts.first_new:  # pairs among reference documents were found by their own runs
        keep = b >= args.parts.first_new
        a, b, flag, shared = a[keep], b[keep], flag[keep], shared[keep]
    bounds = np.asarray(args.pair_bounds, dtype=np.int64)
    write_partitioned(files, "pairs", len(bounds) - 1, range_parts(a, bounds),
                      {"a": a.astype(np.int64), "b": b.astype(np.int64), "lsh": flag, "anchors": shared})
    return {"pairs": int(len(a))}


@dataclass(frozen=True)
class VerifyArgs:
    parts: Parts
    partition: int
    candidates: tuple[str, ...]  # the candidates step's `pairs` map outputs
    settings: LexicalSettings


def verify_partition(files: TaskFiles, args: VerifyArgs) -> dict:
    settings = args.settings
    n = args.parts.n
    got = read_partition([(path, 0) for path in args.candidates], args.partition, row_columns=(),
                         dtypes={"a": np.int64, "b": np.int64, "lsh": np.uint8, "anchors": np.int32})
    pairs = Pairs()
    candidates = 0
    if len(got["a"]):
        code = got["a"] * n + got["b"]
        order = np.argsort(code, kind="stable")
        code = code[order]
        first = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1])))
        lsh = np.maximum.reduceat(got["lsh"][order], first)
        shared = np.add.reduceat(got["anchors"][order].astype(np.int64), first)
        code = code[first]
        by_anchors = shared >= settings.min_shared_anchors
        keep = (lsh > 0) | by_anchors
        code, lsh, by_anchors, shared = code[keep], lsh[keep], by_anchors[keep], shared[keep]
        origin = (np.where(lsh > 0, FROM_LSH, 0) | np.where(by_anchors, FROM_ANCHORS, 0)).astype(np.uint8)
        shared = np.where(by_anchors, shared, 0)
        ends = np.stack([code // n, code % n], axis=1)
        candidates = len(ends)
        texts = PartTexts(args.parts)
        for lo in range(0, len(ends), VERIFY_CHUNK):
            chunk = Candidates(ends[lo:lo + VERIFY_CHUNK], origin[lo:lo + VERIFY_CHUNK], shared[lo:lo + VERIFY_CHUNK])
            rows = sorted_unique(chunk.pairs)
            pairs.extend(verify_lexical(dict(zip(rows.tolist(), texts.take(rows))), chunk, settings))
    write_pairs(files, pairs)
    return {"candidates": int(candidates), "pairs": len(pairs)}
