"""Field mapping for records of the common layouts; every unmapped field kept as metadata."""

import datetime as dt
import json
import math
from decimal import Decimal

import numpy as np
import pytest

from samestory.read.fields import FieldKeyError, FieldKeys, json_safe, map_record

# One record per layout, with the field names those projects write.
DATATROVE = {
    "text": "Body of the article.", "id": "shard0/17",
    "metadata": {"url": "https://a.example/x", "date": "2024-03-04T10:20:30Z",
                 "dump": "CC-MAIN-2024-10", "file_path": "s3://bucket/x.warc.gz", "language": "en"},
}
DATATROVE_EXPANDED = {  # JsonlWriter(expand_metadata=True): metadata at top level
    "text": "Body.", "id": "7", "url": "https://a.example/y", "date": "2024-03-04T10:20:30Z",
    "dump": "CC-MAIN-2024-10",
}
FINEWEB = {
    "text": "Body.", "id": "<urn:uuid:1b1a>", "dump": "CC-MAIN-2013-20",
    "url": "http://b.example/z", "date": "2013-05-18T05:48:54Z",
    "file_path": "s3://commoncrawl/crawl-data/x.warc.gz", "language": "en",
    "language_score": 0.94, "token_count": 421,
}
REDPAJAMA_V2 = {
    "raw_content": "Body.", "doc_id": "2023-06/0000/en_head.json.gz/0",
    "meta": json.dumps({"url": "https://c.example/p", "partition": "head", "language": "en",
                        "source_domain": "c.example", "date_download": "2023-01-27T00:00:00Z",
                        "digest": "sha1:ABC"}),
    "quality_signals": json.dumps({"ccnet_perplexity": [[0, 5, 310.2]]}),
}
REDPAJAMA_1T = {
    "text": "Body.", "meta": {"url": "https://d.example/q", "title": "A title", "timestamp": "2019-04-25T12:57:54Z",
                           "source": "c4", "language": "en"},
    "red_pajama_subset": "c4",
}
CCNET = {
    "url": "https://e.example/r", "date_download": "2019-02-15T19:15:59Z", "digest": "sha1:S3D",
    "length": 120, "nlines": 3, "source_domain": "e.example", "title": "Title",
    "raw_content": "Body.", "cc_segment": "crawl-data/x", "language": "en",
}
C4 = {"text": "Body.", "url": "https://f.example/s", "timestamp": "2019-04-25T12:57:54Z"}
WET_JSON = {
    "WARC-Type": "conversion", "WARC-Target-URI": "https://g.example/t", "WARC-Date": "2024-02-20T01:02:03Z",
    "WARC-Record-ID": "<urn:uuid:8865>", "WARC-Refers-To": "<urn:uuid:3401>",
    "WARC-Identified-Content-Language": "eng", "Content-Type": "text/plain", "text": "Title\nBody.",
}

LAYOUTS = [
    ("datatrove", DATATROVE,
     {"text": "Body of the article.", "id": "shard0/17", "url": "https://a.example/x", "date": "2024-03-04T10:20:30Z", "title": None},
     {"dump": "CC-MAIN-2024-10", "file_path": "s3://bucket/x.warc.gz", "language": "en"}),
    ("datatrove expanded", DATATROVE_EXPANDED,
     {"text": "Body.", "id": "7", "url": "https://a.example/y", "date": "2024-03-04T10:20:30Z", "title": None},
     {"dump": "CC-MAIN-2024-10"}),
    ("fineweb", FINEWEB,
     {"text": "Body.", "id": "<urn:uuid:1b1a>", "url": "http://b.example/z", "date": "2013-05-18T05:48:54Z", "title": None},
     {"dump": "CC-MAIN-2013-20", "file_path": "s3://commoncrawl/crawl-data/x.warc.gz", "language": "en",
      "language_score": 0.94, "token_count": 421}),
    ("redpajama v2", REDPAJAMA_V2,
     {"text": "Body.", "id": "2023-06/0000/en_head.json.gz/0", "url": "https://c.example/p",
      "date": "2023-01-27T00:00:00Z", "title": None},
     {"partition": "head", "language": "en", "source_domain": "c.example", "digest": "sha1:ABC",
      "quality_signals": REDPAJAMA_V2["quality_signals"]}),
    ("redpajama 1T", REDPAJAMA_1T,
     {"text": "Body.", "id": None, "url": "https://d.example/q", "date": "2019-04-25T12:57:54Z", "title": "A title"},
     {"source": "c4", "language": "en", "red_pajama_subset": "c4"}),
    ("ccnet", CCNET,
     {"text": "Body.", "id": None, "url": "https://e.example/r", "date": "2019-02-15T19:15:59Z", "title": "Title"},
     {"digest": "sha1:S3D", "length": 120, "nlines": 3, "source_domain": "e.example",
      "cc_segment": "crawl-data/x", "language": "en"}),
    ("c4", C4,
     {"text": "Body.", "id": None, "url": "https://f.example/s", "date": "2019-04-25T12:57:54Z", "title": None}, {}),
    ("wet as json", WET_JSON,
     {"text": "Title\nBody.", "id": "<urn:uuid:8865>", "url": "https://g.example/t", "date": "2024-02-20T01:02:03Z", "title": None},
     {"WARC-Type": "conversion", "WARC-Refers-To": "<urn:uuid:3401>", "WARC-Identified-Content-Language": "eng",
      "Content-Type": "text/plain"}),
]


@pytest.mark.parametrize("name,record,mapped,metadata", LAYOUTS, ids=[x[0] for x in LAYOUTS])
def test_layouts_map_without_options(name, record, mapped, metadata):
    before = json.dumps(record, sort_keys=True)
    got = map_record(record)
    assert got.problem is None
    assert {k: getattr(got, k) for k in mapped} == mapped
    assert got.metadata == metadata
    assert list(got.metadata) == sorted(got.metadata)
    assert json.dumps(record, sort_keys=True) == before  # the input record is not changed


@pytest.mark.parametrize("name,record,mapped,metadata", LAYOUTS, ids=[x[0] for x in LAYOUTS])
def test_no_input_value_is_lost(name, record, mapped, metadata):
    """Every leaf value of the input is in a mapped field or in the metadata."""
    got = map_record(record)

    def leaves(value):
        if isinstance(value, str) and value.startswith("{"):
            value = json.loads(value)
        if isinstance(value, dict):
            return [x for v in value.values() for x in leaves(v)]
        return [json.dumps(value)]

    kept = leaves(got.metadata) + [json.dumps(getattr(got, k)) for k in got.sources]
    for leaf in leaves(record):
        assert leaf in kept


def test_user_keys_and_dotted_paths():
    record = {"body": "Text here.", "uid": 5, "src": {"link": "https://h.example/u", "when": 1709547630},
              "headline": "H", "text": "not the text"}
    keys = FieldKeys(text="body", id="uid", url="src.link", date="src.when", title="headline")
    got = map_record(record, keys)
    assert (got.text, got.id, got.url, got.date, got.title) == ("Text here.", "5", "https://h.example/u", 1709547630, "H")
    assert got.metadata == {"text": "not the text"}  # the named key wins; the other stays
    assert got.sources == {"text": "body", "id": "uid", "url": "src.link", "date": "src.when", "title": "headline"}


def test_a_key_spelled_with_dots_wins_over_the_path():
    got = map_record({"text": "T", "metadata.url": "https://flat.example", "metadata": {"url": "https://nested.example"}},
                     FieldKeys(url="metadata.url"))
    assert got.url == "https://flat.example"
    assert got.metadata == {"url": "https://nested.example"}


def test_user_text_key_missing_names_the_key_and_fields():
    got = map_record({"raw_content": "x", "id": 1}, FieldKeys(text="body"))
    assert got.problem == "record has no 'body' field (fields: id, raw_content)"


def test_no_text_field_lists_what_was_tried():
    got = map_record({"content_html_b64": "x", "id": 1})
    assert "no text field" in got.problem and "'raw_content'" in got.problem and "content_html_b64" in got.problem
    assert "--text-key" in got.problem


@pytest.mark.parametrize("record,problem", [
    ({"text": "   "}, "record has no text: 'text' is empty"),
    ({"text": ["para 1", "para 2"]}, "record has no text: 'text' is an array, not a string"),
    ({"text": None, "html": 5}, "record has no text: 'text' is null; 'html' is a number, not a string"),
    ({"text": None, "raw_content": "fallback"}, None),  # an unusable text: the next candidate is tried
])
def test_text_problems(record, problem):
    got = map_record(record)
    assert got.problem == problem
    if problem is None:
        assert got.text == "fallback" and got.metadata == {"text": None}  # the null stays, as metadata


def test_html_field_read_as_html_when_no_text():
    got = map_record({"html": "<p>Hi</p>", "url": "https://i.example"})
    assert (got.html, got.text, got.sources.get("html")) == ("<p>Hi</p>", None, "html")
    both = map_record({"text": "Plain.", "html": "<p>Plain.</p>"})
    assert both.text == "Plain." and both.html is None and both.metadata == {"html": "<p>Plain.</p>"}


def test_lifted_name_clash_keeps_both():
    got = map_record({"text": "T", "language": "en", "metadata": {"language": "fr", "url": "https://j.example"}})
    assert got.metadata == {"language": "en", "metadata.language": "fr"}


def test_nested_mapped_leaf_removed_and_empty_parent_dropped():
    got = map_record({"text": "T", "src": {"a": {"url": "https://k.example"}}, "keep": {"a": {}}}, FieldKeys(url="src.a.url"))
    assert got.url == "https://k.example"
    assert got.metadata == {"keep": {"a": {}}}


def test_non_string_scalars_become_strings():
    got = map_record({"text": "T", "id": 123, "url": b"https://l.example", "title": 4.5})
    assert (got.id, got.url, got.title) == ("123", "https://l.example", "4.5")


@pytest.mark.parametrize("value,safe", [
    (float("nan"), None), (math.inf, None), (1.5, 1.5), (np.int64(3), 3), (np.float32(0.5), 0.5),
    (np.array([1, 2]), [1, 2]), (dt.datetime(2024, 3, 4, 10, 20), "2024-03-04T10:20:00"),
    (dt.date(2024, 3, 4), "2024-03-04"), (Decimal("1.10"), "1.10"), (b"abc", "abc"),
    (b"\xff\xfe", "base64://4="), ((1, "a"), [1, "a"]), ({"b": 1, "a": {"d": 2, "c": 3}}, {"a": {"c": 3, "d": 2}, "b": 1}),
    ({3, 1, 2}, [1, 2, 3]), (object, str(object)),
])
def test_json_safe(value, safe):
    got = json_safe(value)
    assert got == safe
    json.dumps(got, allow_nan=False)


def test_metadata_is_deterministic_whatever_the_input_order():
    a = map_record({"text": "T", "z": 1, "a": {"y": 2, "b": 3}, "m": [{"q": 1, "p": 2}]})
    b = map_record({"m": [{"p": 2, "q": 1}], "a": {"b": 3, "y": 2}, "z": 1, "text": "T"})
    assert json.dumps(a.metadata) == json.dumps(b.metadata)


@pytest.mark.parametrize("bad", ["", " ", ".url", "url.", "a..b", 5])
def test_bad_user_keys_are_refused_in_one_line(bad):
    with pytest.raises(FieldKeyError) as err:
        FieldKeys(url=bad)
    assert "\n" not in str(err.value) and "url_key" in str(err.value)
