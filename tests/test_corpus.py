"""The deduplicated corpus: kept rows only, group sizes, Parquet shards or JSONL, readable back."""

import json
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from samestory.output.corpus import CORPUS_SCHEMA, kept_table, write_corpus
from samestory.output.write import prepare_out_dir

UTC = timezone.utc


def documents(n_unique: int = 0) -> pa.Table:
    """Three-member group (a original, b exact, c rewrite), one rejected, unique docs u0..."""
    rows = [
        ("a", "rec-a", "ok", "a", None, datetime(2024, 3, 4, 8, 20, tzinfo=UTC), "time", '{"dump": "CC-1"}'),
        ("b", "rec-b", "ok", "a", "exact", datetime(2024, 3, 5, tzinfo=UTC), "day", "{}"),
        ("c", None, "ok", "a", "rewrite", None, None, None),
        ("r", None, "rejected", None, None, None, None, None),
    ] + [(f"u{i}", None, "ok", f"u{i}", None, datetime(2024, 1, 1, tzinfo=UTC), "year", None) for i in range(n_unique)]
    cols = list(zip(*rows))
    return pa.table({
        "doc_id": cols[0], "record_id": cols[1], "source": ["src"] * len(rows), "url": [None] * len(rows),
        "date": pa.array(cols[5], pa.timestamp("us", tz="UTC")), "date_precision": cols[6],
        "title": [None] * len(rows), "text": pa.array([f"text of {d} " * 10 for d in cols[0]], pa.large_string()),
        "cluster_id": cols[3], "status": cols[2], "relation": cols[4], "metadata": cols[7],
    })


def test_kept_rows_and_group_sizes():
    table = kept_table(documents(2))
    assert table.schema == CORPUS_SCHEMA
    assert table.column("id").to_pylist() == ["a", "u0", "u1"]
    assert table.column("group_size").to_pylist() == [3, 1, 1]
    assert table.column("record_id").to_pylist() == ["rec-a", None, None]


def test_parquet_shards_in_order_and_readable(tmp_path):
    written = write_corpus(tmp_path / "deduplicated", documents(5), "parquet", shard_text_bytes=250)
    assert len(written) > 1 and written == sorted(written)
    back = pa.concat_tables([pq.read_table(tmp_path / "deduplicated" / p) for p in written])
    assert back.column("id").to_pylist() == ["a"] + [f"u{i}" for i in range(5)]
    assert back.schema.field("date").type == pa.timestamp("us", tz="UTC")


def test_jsonl_dates_as_precise_as_known_and_metadata_as_objects(tmp_path):
    assert write_corpus(tmp_path / "deduplicated.jsonl", documents(1), "jsonl") == []
    rows = [json.loads(line) for line in (tmp_path / "deduplicated.jsonl").read_text().splitlines()]
    assert [(r["id"], r["date"], r["date_precision"], r["metadata"]) for r in rows] == [
        ("a", "2024-03-04T08:20:00Z", "time", {"dump": "CC-1"}), ("u0", "2024", "year", {})]
    assert list(rows[0]) == CORPUS_SCHEMA.names


def test_overwrite_removes_either_format(tmp_path):
    (tmp_path / "run.json").write_text("{}")
    write_corpus(tmp_path / "deduplicated", documents(), "parquet")
    write_corpus(tmp_path / "deduplicated.jsonl", documents(), "jsonl")
    prepare_out_dir(tmp_path, overwrite=True)
    assert not (tmp_path / "deduplicated").exists() and not (tmp_path / "deduplicated.jsonl").exists()
    with pytest.raises(ValueError, match="parquet, jsonl"):
        write_corpus(tmp_path / "x", documents(), "csv")


def test_empty_corpus_still_has_a_readable_shard(tmp_path):
    empty = documents().filter(pa.array([False] * 4))
    written = write_corpus(tmp_path / "deduplicated", empty, "parquet")
    assert written == ["part-00000.parquet"]
    assert pq.read_table(tmp_path / "deduplicated" / written[0]).num_rows == 0


def test_datasets_loads_the_shards(tmp_path):
    datasets = pytest.importorskip("datasets", reason="datasets not installed")
    write_corpus(tmp_path / "deduplicated", documents(3), "parquet", shard_text_bytes=250)
    ds = datasets.load_dataset("parquet", data_files=str(tmp_path / "deduplicated" / "*.parquet"), split="train",
                               cache_dir=str(tmp_path / "cache"))
    assert sorted(ds["id"]) == ["a", "u0", "u1", "u2"]
    assert json.loads(ds.filter(lambda r: r["id"] == "a")[0]["metadata"]) == {"dump": "CC-1"}


def test_shards_are_the_same_whatever_the_chunking_of_the_documents(tmp_path):
    """The writer filters slices of the documents table chunk by chunk (no whole-column copy);
    a table in many chunks gives the rows of a table in one."""
    whole = documents(7)
    chunked = pa.Table.from_batches(whole.to_batches(max_chunksize=2))
    assert chunked.column("text").num_chunks > 3
    a = write_corpus(tmp_path / "a", whole, "parquet", shard_text_bytes=300)
    b = write_corpus(tmp_path / "b", chunked, "parquet", shard_text_bytes=300)
    assert a == b and len(a) > 1
    rows = [pq.read_table(tmp_path / "b" / p).to_pylist() for p in b]
    assert rows == [pq.read_table(tmp_path / "a" / p).to_pylist() for p in a]
    assert [r["id"] for part in rows for r in part] == ["a"] + [f"u{i}" for i in range(7)]
