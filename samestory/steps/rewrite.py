"""The rewrite step's helpers (the cascade itself is rewrite/find.py, run from the plan)."""

from __future__ import annotations

import numpy as np

from .. import lexical
from ..config import Settings
from ..records import Pairs

__all__ = ["add_overlap_scores"]


def add_overlap_scores(pairs: Pairs, texts, settings: Settings) -> None:
    """Jaccard and containment of the shingle sets for pairs found without them (rewrites), so
    every pair in pairs.parquet and the report carries both word-overlap figures."""
    missing = [k for k, j in enumerate(pairs.jaccard) if j is None]
    for start in range(0, len(missing), 1024):  # bounded batches: shingle sets of ~2k texts at a time
        chunk = missing[start:start + 1024]
        rows = sorted({r for k in chunk for r in (pairs.a[k], pairs.b[k])})
        sets = dict(zip(rows, lexical.shingle_sets([t or "" for t in texts.take(rows)], settings.lexical.shingle_words)))
        for k in chunk:
            sa, sb = sets[pairs.a[k]], sets[pairs.b[k]]
            shared = len(np.intersect1d(sa, sb, assume_unique=True))
            _, jaccard, containment, _ = lexical.classify_overlap(shared, len(sa), len(sb), settings.lexical)
            pairs.jaccard[k], pairs.containment[k] = round(jaccard, 6), round(containment, 6)


# --- the rewrite candidates as a shuffle -------------------------------------------------------

from dataclasses import dataclass  # noqa: E402

from ..config import RewriteSettings  # noqa: E402
from ..plan.folder import TaskFiles  # noqa: E402
from ..plan.parts import Parts  # noqa: E402
from ..plan.shuffle import range_parts, read_partition, write_partitioned  # noqa: E402
from ..rewrite.candidates import overlapping_pairs, signature_pairs  # noqa: E402
from .lexical import _with_reference_entries, entries  # noqa: E402

__all__ += ["SignatureArgs", "signature_partition", "OverlapArgs", "overlap_partition"]


@dataclass(frozen=True)
class SignatureArgs:
    parts: Parts
    partition: int
    changed: str | None
    allowed: str             # rows/rewrite_allowed.npy: heads of exact groups with enough words
    settings: RewriteSettings
    pair_bounds: tuple[int, ...]
    references: tuple = ()


def signature_partition(files: TaskFiles, args: SignatureArgs) -> dict:
    """One key partition of the signature features: documents sharing features, and how many
    (rewrite/candidates.signature_pairs), partitioned again by the pair's first row."""
    keys, rows = entries(args.parts, "signatures", args.partition, args.changed)
    keys, rows = _with_reference_entries(args, "signatures", keys, rows)
    allowed = np.load(args.allowed, mmap_mode="r")
    if len(rows):
        keep = allowed[rows]
        keys, rows = keys[keep], rows[keep]
    pairs, shared = signature_pairs(keys, rows, args.settings, args.parts.n)
    if args.parts.first_new and len(pairs):  # pairs among reference documents were looked for by their runs
        keep = pairs[:, 1] >= args.parts.first_new
        pairs, shared = pairs[keep], shared[keep]
    bounds = np.asarray(args.pair_bounds, dtype=np.int64)
    write_partitioned(files, "pairs", len(bounds) - 1, range_parts(pairs[:, 0], bounds),
                      {"a": pairs[:, 0].astype(np.int64), "b": pairs[:, 1].astype(np.int64), "shared": shared.astype(np.int32)})
    return {"pairs": int(len(pairs))}


@dataclass(frozen=True)
class OverlapArgs:
    parts: Parts
    partition: int
    signature_pairs: tuple[str, ...]
    sizes: str               # rows/signature_size.npy: features per document
    settings: RewriteSettings


def overlap_partition(files: TaskFiles, args: OverlapArgs) -> dict:
    """The partition's pairs, their shared features summed over the key partitions, kept when
    they share enough of the smaller signature (rewrite/candidates.overlapping_pairs)."""
    n = args.parts.n
    got = read_partition([(p, 0) for p in args.signature_pairs], args.partition, row_columns=(),
                         dtypes={"a": np.int64, "b": np.int64, "shared": np.int32})
    code = got["a"] * n + got["b"]
    order = np.argsort(code, kind="stable")
    code = code[order]
    first = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1]))) if len(code) else np.zeros(0, np.int64)
    shared = np.add.reduceat(got["shared"][order].astype(np.int64), first) if len(code) else np.zeros(0, np.int64)
    code = code[first]
    pairs = np.stack([code // max(n, 1), code % max(n, 1)], axis=1) if len(code) else np.zeros((0, 2), np.int64)
    pairs, shared, overlap = overlapping_pairs(pairs, shared, np.load(args.sizes, mmap_mode="r"), args.settings)

    def write(path) -> None:
        with open(path, "wb") as handle:
            np.savez(handle, pairs=pairs, shared=shared, overlap=overlap)

    files.write("candidates.npz", write)
    return {"candidates": int(len(pairs))}
