"""Records to documents (fields mapped, metadata kept) and the record inputs of the Python API."""

import pyarrow as pa
import pytest

from samestory.read.fields import FieldKeys
from samestory.read.rows import RecordInputError, input_kind, iter_record_input, peek, record_document

TEXT = "The harbour ferry returns to service on Monday after repairs to its engine."
DATATROVE = {"text": TEXT, "id": "cc/0001", "metadata": {"url": "https://a.example/f", "date": "2024-03-04", "dump": "CC-MAIN-2024-10"}}


def test_record_document_maps_fields_and_keeps_metadata():
    doc = record_document(DATATROVE, "shard.jsonl", 1, "/data/shard.jsonl", 10_000)
    assert (doc.doc_id, doc.kind, doc.content, doc.url, doc.date) == ("shard.jsonl#cc/0001", "text", TEXT, "https://a.example/f", "2024-03-04")
    assert doc.metadata == {"dump": "CC-MAIN-2024-10"} and doc.record_id == "cc/0001"


def test_rejected_record_keeps_its_fields():
    doc = record_document({"body": TEXT, "url": "https://a.example/g", "lang": "en"}, "f.jsonl", 3, "f.jsonl", 10_000)
    assert doc.kind == "rejected" and doc.doc_id == "f.jsonl#3" and "no text field" in doc.reason
    assert doc.url == "https://a.example/g" and doc.metadata == {"body": TEXT, "lang": "en"}
    named = record_document({"body": TEXT}, "f.jsonl", 3, "f.jsonl", 10_000, FieldKeys(text="body"))
    assert named.kind == "text" and named.content == TEXT


def test_record_document_limits_and_sniffs_html():
    big = record_document({"text": "x" * 50}, "f", 1, "f", 10)
    assert big.kind == "rejected" and "too large" in big.reason
    html = record_document({"raw_content": "<html><body><p>Hi</p><div>x</div></body></html>"}, "f", 1, "f", 10_000)
    assert html.kind == "html"
    blank_id = record_document({"text": TEXT, "id": "  "}, "f", 7, "f", 10_000)
    assert blank_id.doc_id == "f#7"


def ids(inputs, **kw):
    return [(d.doc_id, d.kind) for d in iter_record_input(inputs, **kw)]


ROWS = [{"text": TEXT, "id": "a"}, {"raw_content": TEXT + " Two."}, {"text": TEXT + " Three.", "id": 3}]
EXPECTED = [("records#a", "text"), ("records#2", "text"), ("records#3", "text")]


@pytest.mark.parametrize("make", [
    lambda: ROWS,
    lambda: (r for r in ROWS),
    lambda: pa.Table.from_pylist([{"text": r.get("text") or r.get("raw_content"), "id": None if "id" not in r else str(r["id"])} for r in ROWS]),
], ids=["list", "generator", "arrow table"])
def test_api_record_inputs(make):
    inputs = make()
    if isinstance(inputs, pa.Table):
        assert input_kind(inputs) == "records"
    else:
        assert input_kind(inputs) == "iterable"
        first, inputs = peek(inputs)
        assert isinstance(first, dict)
    assert ids(inputs) == EXPECTED


def test_record_batch():
    table = pa.Table.from_pylist([{"text": TEXT, "id": "b", "lang": "en"}])
    docs = list(iter_record_input(table.to_batches()[0]))
    assert docs[0].doc_id == "records#b" and docs[0].metadata == {"lang": "en"}


def test_dataframe():
    pd = pytest.importorskip("pandas", reason="pandas not installed")
    docs = list(iter_record_input(pd.DataFrame([{"text": TEXT, "id": "c", "score": 0.5}])))
    assert docs[0].doc_id == "records#c" and docs[0].metadata == {"score": 0.5}


def test_datasets_dataset_and_dict():
    datasets = pytest.importorskip("datasets", reason="datasets not installed")
    ds = datasets.Dataset.from_list([{"text": TEXT, "id": "d1", "meta": {"url": "https://b.example/1"}},
                                     {"text": TEXT + " More.", "id": "d2", "meta": {"url": "https://b.example/2"}}])
    assert input_kind(ds) == "records"
    docs = list(iter_record_input(ds.with_format("numpy")))  # the set format does not matter
    assert [(d.doc_id, d.url) for d in docs] == [("records#d1", "https://b.example/1"), ("records#d2", "https://b.example/2")]
    streamed = ds.to_iterable_dataset()
    assert input_kind(streamed) == "records" and ids(streamed) == [("records#d1", "text"), ("records#d2", "text")]
    dd = datasets.DatasetDict({"train": ds, "test": ds.select([1])})
    assert input_kind(dd) == "records"
    assert ids(dd) == [("records/train#d1", "text"), ("records/train#d2", "text"), ("records/test#d2", "text")]


def test_items_that_are_not_records_are_rejected_in_place():
    docs = list(iter_record_input([{"text": TEXT}, "not a dict", {"text": TEXT + " B."}]))
    assert [d.kind for d in docs] == ["text", "rejected", "text"]
    assert docs[1].reason == "item 2 is not a record (a dict), it is str"


@pytest.mark.parametrize("bad,message", [
    ({"text": TEXT}, "a single dict is not an input"),
    (42, "cannot read int"),
])
def test_inputs_that_are_neither_paths_nor_records(bad, message):
    with pytest.raises(RecordInputError, match=message):
        input_kind(bad)


def test_paths_are_not_records(tmp_path):
    assert input_kind(str(tmp_path)) == "paths"
    assert input_kind(tmp_path) == "paths"


def test_deeply_nested_records_are_rejected_not_fatal():
    deep: dict = {}
    node = deep
    for _ in range(5000):
        node["x"] = {}
        node = node["x"]
    doc = record_document({"text": TEXT, "extra": deep}, "f", 1, "f", 10_000)
    assert doc.kind == "rejected" and doc.reason == "record nested too deeply to read"
    meta = "{" * 100_000  # a JSON string too deep for json.loads stays a string
    doc = record_document({"text": TEXT, "meta": meta}, "f", 2, "f", 10_000)
    assert doc.kind == "text" and doc.metadata == {"meta": meta}
