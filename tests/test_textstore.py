"""Text stores (samestory/textstore.py): every store gives the same texts, however they are asked for."""

from __future__ import annotations

import pickle

import numpy as np
import pyarrow as pa
import pytest

from samestory.textstore import ShardTextStore, StackedTexts, TextStore, read_text_file, write_text_file

SHARDS = [["alpha", None, "gamma é"], [], ["delta", "epsilon"], ["zeta"]]
FLAT = [t for shard in SHARDS for t in shard]


def _shard_store(tmp_path) -> ShardTextStore:
    store = ShardTextStore()
    for k, texts in enumerate(SHARDS):
        path = tmp_path / f"first-{k:06d}.texts.arrow"
        write_text_file(path, pa.array(texts, type=pa.string()))  # plain strings are stored as large_string
        store.add(path, len(texts))
    return store


def _memory_store() -> TextStore:
    store = TextStore()
    for texts in SHARDS:
        store.extend(texts)
    return store


@pytest.fixture(params=["memory", "shards", "stacked"])
def store(request, tmp_path):
    if request.param == "memory":
        return _memory_store()
    if request.param == "shards":
        return _shard_store(tmp_path)
    left = TextStore()
    left.extend(FLAT[:2])
    right = ShardTextStore()
    path = tmp_path / "right.texts.arrow"
    write_text_file(path, pa.array(FLAT[2:], type=pa.large_string()))
    right.add(path, len(FLAT) - 2)
    return StackedTexts([left, right])


def test_rows_take_and_jobs_agree(store):
    assert len(store) == len(FLAT)
    assert [store[r] for r in range(len(FLAT))] == FLAT
    rows = np.array([5, 0, 2, 5, 1], dtype=np.int64)
    assert store.take(rows) == [FLAT[r] for r in rows]
    job = pickle.loads(pickle.dumps(store.job(rows)))  # what a worker receives
    assert job.read() == {int(r): FLAT[r] for r in rows}
    assert store.take([]) == []


def test_arrays_and_byte_lengths(store):
    for lo, hi in ((0, len(FLAT)), (1, 4), (3, 3), (4, 6)):
        array = store.array(lo, hi)
        assert array.type == pa.large_string() and array.to_pylist() == FLAT[lo:hi]
    rows = np.array([2, 0, 1, 5])
    assert store.take_array(rows).to_pylist() == [FLAT[r] for r in rows]
    assert store.nbytes(rows).tolist() == [len((FLAT[r] or "").encode("utf-8")) for r in rows]


def test_replaced_rows_win_everywhere(tmp_path):
    for store in (_memory_store(), _shard_store(tmp_path)):
        store[2] = "GAMMA"
        store[4] = None
        want = FLAT[:2] + ["GAMMA", "delta", None, "zeta"]
        assert [store[r] for r in range(6)] == want
        assert store.array(0, 6).to_pylist() == want
        assert store.take_array(np.array([4, 2, 3])).to_pylist() == [None, "GAMMA", "delta"]
        assert store.job(np.array([2, 3, 4])).read() == {2: "GAMMA", 3: "delta", 4: None}
        assert store.nbytes(np.array([2, 4])).tolist() == [5, 0]


def test_shard_store_reads_only_the_files_it_needs(tmp_path):
    store = _shard_store(tmp_path)
    job = store.job(np.array([3, 4]))  # both in the third shard
    assert [p.rsplit("/", 1)[1] for p in job.files] == ["first-000002.texts.arrow"]
    with pytest.raises(IndexError):
        store[len(FLAT)]
    with pytest.raises(IndexError):
        store[-1] = "x"


def test_text_file_round_trip_and_empty(tmp_path):
    path = tmp_path / "t.arrow"
    write_text_file(path, pa.array([], type=pa.large_string()))
    assert read_text_file(path).to_pylist() == []
    write_text_file(path, pa.array(["a", None], type=pa.large_string()))
    assert read_text_file(path).to_pylist() == ["a", None]
