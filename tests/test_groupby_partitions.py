"""The group-by-key step split into key-hash partitions gives the same pairs as one call."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from samestory.groupby import GroupJob, group_pairs, pairs_within_groups, partition_jobs


def random_jobs(seed: int) -> list[GroupJob]:
    rng = np.random.default_rng(seed)
    jobs = []
    for n_keys, max_group in ((30, None), (5, 6), (200, 3)):
        n = int(rng.integers(0, 400))
        keys = rng.integers(0, n_keys, n).astype(np.uint64) * np.uint64(0x10000)  # low bits all zero
        jobs.append(GroupJob(keys, rng.permutation(n).astype(np.int64), max_all_pairs=4, max_group=max_group))
    jobs.append(GroupJob(np.zeros(0, np.uint64), np.zeros(0, np.int64), 4))
    return jobs


def as_counter(pairs: np.ndarray) -> Counter:
    return Counter(map(tuple, pairs.tolist()))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("parts", [2, 3, 8])
def test_partitioned_pairs_equal_one_call(seed, parts):
    jobs = random_jobs(seed)
    whole = [pairs_within_groups(j.keys, j.rows, j.max_all_pairs, j.max_group) for j in jobs]
    calls = []

    def ordered_map(func, items):
        items = list(items)
        calls.append(len(items))
        return map(func, items)

    split = group_pairs(jobs, ordered_map, parts=parts)
    assert calls == [parts]  # one task per partition, all jobs inside
    assert [as_counter(p) for p in split] == [as_counter(p) for p in whole]
    assert all(p.dtype == np.int64 and p.shape[1:] == (2,) for p in split)
    again = group_pairs(jobs, ordered_map, parts=parts)
    assert all(np.array_equal(a, b) for a, b in zip(split, again))  # deterministic order


def test_each_key_lands_in_exactly_one_partition():
    jobs = random_jobs(7)
    partitions = partition_jobs(jobs, 4)
    for k, job in enumerate(jobs):
        owners: dict[int, set[int]] = {}
        for p, partition in enumerate(partitions):
            part = partition[k]
            assert len(part.keys) == len(part.rows)
            for key in part.keys.tolist():
                owners.setdefault(key, set()).add(p)
        assert all(len(ps) == 1 for ps in owners.values())
        assert sum(len(partition[k].keys) for partition in partitions) == len(job.keys)
    # keys spread: with 30 distinct keys no partition of the first job is empty
    assert all(len(partition[0].keys) for partition in partitions)


def test_without_a_map_function_the_jobs_run_here():
    jobs = random_jobs(1)
    got = group_pairs(jobs)
    assert all(np.array_equal(g, pairs_within_groups(j.keys, j.rows, j.max_all_pairs, j.max_group)) for g, j in zip(got, jobs))
