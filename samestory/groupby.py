"""The one group-by-key step: documents sharing a key become pairs.

Used by MinHash LSH bands and anchors (lexical/) and by rewrite signature features (rewrite/).

Written with numpy sorts rather than a dict of lists so it stays linear-ish and vectorised.
To run it on many workers (`group_pairs`), the (key, row) arrays are split into partitions by
a hash of the key, so every key lands in one partition, each partition is grouped on its own
and the partitions' pairs are concatenated in partition order: moving whole array buckets, not
one record per key, which is what makes a shuffle cheap on a cluster engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import numpy as np

__all__ = [
    "GroupJob", "pairs_within_groups", "group_pairs", "partition_jobs", "pairs_of_partition", "pairs_of_job",
    "unique_pairs",
    "concat_ranges", "sorted_unique",
]


@dataclass
class GroupJob:
    """One group-by-key: `keys[i]` is held by row `rows[i]`; pairs as in `pairs_within_groups`."""

    keys: np.ndarray
    rows: np.ndarray
    max_all_pairs: int
    max_group: int | None = None
    #: which entries take part (None: all): a mask spares a filtered copy of big arrays
    keep: np.ndarray | None = None

    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        """(keys, rows) of the entries that take part."""
        return (self.keys, self.rows) if self.keep is None else (self.keys[self.keep], self.rows[self.keep])


MapFunction = Callable[[Callable, Iterable], Iterator]

# a multiplier with well-mixed bits (2^64 / golden ratio): the keys are hashes already, but the
# partition must not depend on a few low bits that a key scheme might leave correlated
_MIX = np.uint64(0x9E3779B97F4A7C15)


def partition_jobs(jobs: list[GroupJob], parts: int) -> list[list[GroupJob]]:
    """Split each job into `parts` by key hash: partition p holds, for every job, the entries
    whose key falls in p (rows keep their relative order)."""
    partitions: list[list[GroupJob]] = [[] for _ in range(parts)]
    for job in jobs:
        job_keys, job_rows = job.entries()
        bucket = _key_parts(job_keys, parts)
        order = np.argsort(bucket, kind="stable")
        bounds = np.searchsorted(bucket[order], np.arange(1, parts))
        for p, (keys, rows) in enumerate(zip(np.split(job_keys[order], bounds), np.split(job_rows[order], bounds))):
            partitions[p].append(GroupJob(keys, rows, job.max_all_pairs, job.max_group))
    return partitions


#: Entries grouped at once: a bigger job (the anchors of 1M documents are ~60M entries) is
#: grouped one key-hash part at a time, so the sort's temporaries stay ~25 bytes x this.
MAX_GROUPED_ENTRIES = 1 << 22


def _key_parts(keys: np.ndarray, parts: int) -> np.ndarray:
    """The part (0..parts-1, at most 2**16 parts) of each key: its mixed high bits modulo
    `parts`, computed a block at a time (one uint64 temporary over all keys would cost 8 bytes
    an entry). Used by the executors' partitions and by big jobs' parts alike."""
    out = np.empty(len(keys), dtype=np.uint16)
    with np.errstate(over="ignore"):
        for lo in range(0, len(keys), MAX_GROUPED_ENTRIES):
            block = keys[lo:lo + MAX_GROUPED_ENTRIES].astype(np.uint64, copy=False)
            out[lo:lo + len(block)] = ((block * _MIX) >> np.uint64(32)) % np.uint64(parts)
    return out


def pairs_of_job(job: GroupJob) -> np.ndarray:
    """pairs_within_groups of one job, in key-hash parts when the job is big: every key lies in
    one part, so the pairs are the same; only their order differs (callers sort them)."""
    if len(job.keys) <= MAX_GROUPED_ENTRIES:
        return pairs_within_groups(*job.entries(), job.max_all_pairs, job.max_group)
    parts = min(-(-len(job.keys) // MAX_GROUPED_ENTRIES), 1 << 16)
    part_of = _key_parts(job.keys, parts)
    found = []
    for p in range(parts):
        chosen = part_of == p
        if job.keep is not None:
            chosen &= job.keep
        pick = np.flatnonzero(chosen)
        found.append(pairs_within_groups(job.keys[pick], job.rows[pick], job.max_all_pairs, job.max_group))
    return np.concatenate(found)


def pairs_of_partition(partition: Iterable[GroupJob]) -> list[np.ndarray]:
    """The pairs of each job of one partition (runs in a worker)."""
    return [pairs_of_job(job) for job in partition]


def group_pairs(jobs: Iterable[GroupJob], map_function: MapFunction | None = None, parts: int = 1) -> list[np.ndarray]:
    """Each job's pairs. With `map_function` (an executor's ordered `map`) and `parts` > 1, the
    jobs are partitioned by key hash and the partitions grouped wherever `map_function` runs
    them; a job's pairs are then the partitions' pairs concatenated in partition order. Every
    pair appears exactly as often as in one `pairs_within_groups` call, only the order
    differs; callers count or de-duplicate them (`unique_pairs`), which sorts."""
    if map_function is None or parts <= 1:
        return pairs_of_partition(jobs)  # an iterator of jobs is consumed one job at a time
    jobs = list(jobs)
    found: list[list[np.ndarray]] = [[] for _ in jobs]
    for partition_pairs in map_function(pairs_of_partition, partition_jobs(jobs, parts)):
        for k, pairs in enumerate(partition_pairs):
            found[k].append(pairs)
    return [np.concatenate(parts_of_job) for parts_of_job in found]


def pairs_within_groups(keys: np.ndarray, rows: np.ndarray, max_all_pairs: int, max_group: int | None = None) -> np.ndarray:
    """(k, 2) int64 pairs (i < j) of rows that share a key.

    A group of up to `max_all_pairs` rows gives all its pairs; a larger one only pairs its
    first row with each other row (a star), so a key shared by thousands of documents costs
    linear, not quadratic, work. Groups larger than `max_group` are dropped entirely.
    """
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if len(keys) >= _FILTER_FROM:
        repeated = _repeated(keys)
        if repeated is not None:  # a key held once gives no pair: sort only the others
            keys, rows = keys[repeated], rows[repeated]
    order = np.lexsort((rows, keys))
    keys, rows = keys[order], rows[order]
    boundaries = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate(([0], boundaries))
    sizes = np.diff(np.concatenate((starts, [len(keys)])))
    keep = sizes >= 2
    if max_group is not None:
        keep &= sizes <= max_group
    starts, sizes = starts[keep], sizes[keep]
    if not len(starts):
        return np.zeros((0, 2), dtype=np.int64)
    out = []
    small = sizes <= max_all_pairs
    s_starts, s_sizes = starts[small], sizes[small]
    for gap in range(1, int(s_sizes.max()) + 1 if len(s_sizes) else 1):
        # every i with i + gap < size pairs with i + gap
        eligible = s_sizes > gap
        if not eligible.any():
            break
        st, sz = s_starts[eligible], s_sizes[eligible]
        counts = sz - gap
        first = np.repeat(st, counts) + concat_ranges(counts)
        out.append(np.stack([rows[first], rows[first + gap]], axis=1))
    b_starts, b_sizes = starts[~small], sizes[~small]
    if len(b_starts):
        counts = b_sizes - 1
        hub = np.repeat(b_starts, counts)
        spoke = hub + 1 + concat_ranges(counts)
        out.append(np.stack([rows[hub], rows[spoke]], axis=1))
    pairs = np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)
    return np.sort(pairs, axis=1)


_FILTER_FROM = 1 << 14  # below this, the sort costs less than the compiled filter's call


def _repeated(keys: np.ndarray) -> np.ndarray | None:
    """Which entries hold a key some other entry holds too (samestory.kernels, compiled); None
    where numba is missing (then every entry is sorted, with the same pairs)."""
    try:
        from .kernels import repeated_kernel
    except ImportError:
        return None
    out = np.empty(len(keys), dtype=bool)
    repeated_kernel(np.ascontiguousarray(keys, dtype=np.uint64), out)
    return out


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique(values): the sorted distinct values, flattened. Written as a sort because
    np.unique without return_* flags takes a hash-table path in numpy >= 2.3 that is 4-13x
    slower than sorting on 64-bit hashes (measured with numpy 2.4: 600k values 0.42 s against
    0.03 s; 500 values 47 us against 10 us)."""
    flat = np.sort(np.asarray(values).ravel())
    if len(flat) < 2:
        return flat
    first = np.empty(len(flat), dtype=bool)
    first[0] = True
    np.not_equal(flat[1:], flat[:-1], out=first[1:])
    return flat[first]


def concat_ranges(counts: np.ndarray) -> np.ndarray:
    """concatenate(arange(c) for c in counts), vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    out = np.ones(total, dtype=np.int64)
    out[0] = 0
    nonzero = counts > 0
    starts_idx = (ends - counts)[nonzero]
    prev_counts = counts[nonzero]
    out[starts_idx[1:]] = 1 - prev_counts[:-1]
    return np.cumsum(out)


def unique_pairs(pairs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique (i, j) pairs and how often each occurred (e.g. how many anchors two docs share)."""
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    code = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    uniq, counts = np.unique(code, return_counts=True)
    return np.stack([uniq // n, uniq % n], axis=1), counts


def concat_keyed(parts: list[tuple[np.ndarray, np.ndarray]], sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Join per-batch (keys, rows) arrays in order, shifting each batch's rows to corpus rows."""
    if not parts:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    shifts = np.cumsum([0] + list(sizes[:-1]))
    return (
        np.concatenate([keys for keys, _ in parts]),
        np.concatenate([rows + shift for (_, rows), shift in zip(parts, shifts)]),
    )


def replace_keyed_rows(
    keys: np.ndarray, rows: np.ndarray, replaced: np.ndarray, new_keys: np.ndarray, new_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(keys, rows) with every entry of the `replaced` rows swapped for the new ones; `new_rows`
    index into `replaced` (row k of the new batch is corpus row replaced[k])."""
    keep = ~np.isin(rows, replaced)
    return np.concatenate([keys[keep], new_keys]), np.concatenate([rows[keep], replaced[new_rows]])
