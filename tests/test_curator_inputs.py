"""The curators' layouts end to end: a datatrove JSONL shard, a RedPajama-style Parquet, a Common
Crawl WET file and a `datasets` folder each run with no option and keep every input field; the
Python API takes records; the CLI takes --text-key."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import samestory
from samestory import Settings
from samestory.cli import app

from .input_fixtures import write_saved_dataset, write_wet

pytestmark = pytest.mark.e2e  # every test here runs the pipeline (or reads a run's tables)

ARTICLE = (
    "The city council approved a plan on Tuesday to rebuild the old Tanner Street bridge over the river Lune, "
    "which has been closed since inspectors found cracks in two of its steel beams in March. The work will cost "
    "about four million euros and should take eighteen months, the chief engineer Paulo Ferreira told reporters. "
    "Buses will use the Mill Lane crossing until the new deck opens, and a temporary footbridge will be built "
    "beside the old one within six weeks so that pupils of the two schools on the north bank can walk to class."
)
OTHER = (
    "A ferry company said on Monday that its electric boat would enter service between Kestrel Bay and the "
    "harbour in May, after sea trials in the winter showed the batteries could last a full day of crossings. "
    "The boat carries one hundred and twenty passengers and twelve bicycles, and it charges at the harbour pier "
    "while passengers board, the company's director said at a presentation for residents and the press."
)
SETTINGS = Settings().replace(run={"workers": 1, "progress": False}, rewrite={"enabled": False},
                              report={"enabled": False})

DATATROVE_ROWS = [
    {"text": ARTICLE, "id": "dt-1", "metadata": {"url": "https://lunepost.example/bridge", "date": "2024-03-05T09:00:00Z",
                                                 "dump": "CC-MAIN-2024-10", "language": "en", "language_score": 0.97}},
    {"text": OTHER, "id": "dt-2", "metadata": {"url": "https://lunepost.example/ferry", "date": "2024-03-04T07:00:00Z",
                                               "dump": "CC-MAIN-2024-10", "language": "en", "language_score": 0.95}},
]
REDPAJAMA_ROWS = [
    {"raw_content": ARTICLE + " Residents welcomed the decision.", "doc_id": "2024-10/0000/en_head.json.gz/0",
     "meta": json.dumps({"url": "https://riverwire.example/a", "source_domain": "riverwire.example",
                         "date_download": "2024-03-06T00:00:00Z", "digest": "sha1:AAA", "language": "en"}),
     "quality_signals": json.dumps({"ccnet_perplexity": [[0, 10, 301.5]]})},
]
DATASET_ROWS = [  # FineWeb's columns
    {"text": ARTICLE, "id": "<urn:uuid:fw-1>", "dump": "CC-MAIN-2024-10", "url": "https://mirror.example/bridge",
     "date": "2024-03-07T11:00:00Z", "file_path": "s3://commoncrawl/x.warc.gz", "language": "en",
     "language_score": 0.96, "token_count": 99},
]


def write_inputs(root):
    root.mkdir()
    with gzip.open(root / "00000.jsonl.gz", "wt", encoding="utf-8") as fh:  # datatrove's JsonlWriter name
        fh.writelines(json.dumps(r) + "\n" for r in DATATROVE_ROWS)
    pq.write_table(pa.Table.from_pylist(REDPAJAMA_ROWS), root / "redpajama.parquet")
    write_wet(root / "CC-MAIN-test.warc.wet.gz", [("https://wetsite.example/bridge", "Bridge to be rebuilt\n" + ARTICLE)])
    write_saved_dataset(root / "fineweb_sample", DATASET_ROWS)
    return root


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    root = write_inputs(tmp_path_factory.mktemp("curated") / "in")
    out = root.parent / "out"
    return samestory.run(root, out=out, settings=SETTINGS), out


def rows(result):
    return {r["doc_id"]: r for r in result.documents.to_pylist()}


def test_every_layout_is_read_without_options(curated):
    docs = rows(curated[0])
    assert set(docs) == {
        "00000.jsonl.gz#dt-1", "00000.jsonl.gz#dt-2", "redpajama.parquet#2024-10/0000/en_head.json.gz/0",
        "CC-MAIN-test.warc.wet.gz#https://wetsite.example/bridge", "fineweb_sample#<urn:uuid:fw-1>",
    }
    assert all(d["status"] == "ok" for d in docs.values())
    assert docs["00000.jsonl.gz#dt-1"]["url"] == "https://lunepost.example/bridge"
    assert docs["redpajama.parquet#2024-10/0000/en_head.json.gz/0"]["url"] == "https://riverwire.example/a"
    wet = docs["CC-MAIN-test.warc.wet.gz#https://wetsite.example/bridge"]
    assert (wet["format"], wet["date"].isoformat(), wet["date_precision"]) == ("text", "2024-02-20T01:02:03+00:00", "time")


def test_every_input_field_is_kept(curated):
    docs = rows(curated[0])

    def kept(doc_id):
        d = docs[doc_id]
        return json.loads(d["metadata"]), d

    meta, d = kept("00000.jsonl.gz#dt-1")
    assert meta == {"dump": "CC-MAIN-2024-10", "language": "en", "language_score": 0.97}
    assert d["record_id"] == "dt-1" and d["date"].isoformat() == "2024-03-05T09:00:00+00:00"
    meta, d = kept("redpajama.parquet#2024-10/0000/en_head.json.gz/0")
    assert meta == {"digest": "sha1:AAA", "language": "en", "source_domain": "riverwire.example",
                    "quality_signals": REDPAJAMA_ROWS[0]["quality_signals"]}
    meta, d = kept("fineweb_sample#<urn:uuid:fw-1>")
    assert meta == {"dump": "CC-MAIN-2024-10", "file_path": "s3://commoncrawl/x.warc.gz", "language": "en",
                    "language_score": 0.96, "token_count": 99}
    meta, d = kept("CC-MAIN-test.warc.wet.gz#https://wetsite.example/bridge")
    assert meta["WARC-Identified-Content-Language"] == "eng" and meta["WARC-Refers-To"].startswith("<urn:uuid:")
    assert d["record_id"].startswith("<urn:uuid:")


def test_copies_across_layouts_form_one_group_with_the_earliest_dated_original(curated):
    docs = rows(curated[0])
    group = {k for k, d in docs.items() if d["cluster_id"] == docs["00000.jsonl.gz#dt-1"]["cluster_id"]}
    assert group == {"00000.jsonl.gz#dt-1", "redpajama.parquet#2024-10/0000/en_head.json.gz/0",
                     "CC-MAIN-test.warc.wet.gz#https://wetsite.example/bridge", "fineweb_sample#<urn:uuid:fw-1>"}
    # the WET copy was crawled 2024-02-20, before every other copy's date
    assert docs["CC-MAIN-test.warc.wet.gz#https://wetsite.example/bridge"]["is_canonical"]


def test_corpus_shards_keep_ids_and_metadata(curated):
    result, out = curated
    corpus = pq.read_table(out / "deduplicated").to_pylist()
    assert len(corpus) == result.summary["kept"] == 2
    by_id = {r["id"]: r for r in corpus}
    wet = by_id["CC-MAIN-test.warc.wet.gz#https://wetsite.example/bridge"]
    assert wet["group_size"] == 4 and wet["cluster_id"] == wet["id"]
    other = by_id["00000.jsonl.gz#dt-2"]
    assert other["record_id"] == "dt-2" and json.loads(other["metadata"])["language_score"] == 0.95


def test_python_api_takes_records_and_tables():
    from_records = samestory.run(DATATROVE_ROWS + DATASET_ROWS, settings=SETTINGS)
    assert [r["doc_id"] for r in from_records.documents.to_pylist()] == ["records#dt-1", "records#dt-2", "records#<urn:uuid:fw-1>"]
    assert from_records.summary["groups"] == 1
    from_table = samestory.run(pa.Table.from_pylist(DATASET_ROWS + [{**DATASET_ROWS[0], "id": "x"}]), settings=SETTINGS)
    assert from_table.summary["duplicates_by_relation"]["exact"] == 1
    generator = samestory.run((dict(r) for r in DATATROVE_ROWS), settings=SETTINGS)
    assert generator.summary["documents"] == 2


def test_python_api_takes_a_datasets_dataset():
    datasets = pytest.importorskip("datasets", reason="datasets not installed (optional)")
    ds = datasets.Dataset.from_list(DATASET_ROWS + [{**DATASET_ROWS[0], "id": "copy", "date": "2024-03-01"}])
    result = samestory.run(ds, settings=SETTINGS)
    docs = rows(result)
    assert docs["records#copy"]["is_canonical"] and docs["records#<urn:uuid:fw-1>"]["relation"] == "exact"


def test_text_key_on_the_command_line(tmp_path):
    (tmp_path / "in").mkdir()
    records = [{"body": ARTICLE, "key": "a", "src": {"link": "https://x.example/a"}},
               {"body": ARTICLE, "key": "b", "src": {"link": "https://y.example/b"}}]
    (tmp_path / "in" / "custom.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    args = ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-rewrites", "--no-report", "-q", "-w", "1"]
    result = CliRunner().invoke(app, args + ["--text-key", "body", "--id-key", "key", "--url-key", "src.link",
                                             "--corpus-format", "jsonl"])
    assert result.exit_code == 0, result.output
    docs = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    assert [(d["doc_id"], d["url"], d["status"]) for d in docs] == [
        ("custom.jsonl#a", "https://x.example/a", "ok"), ("custom.jsonl#b", "https://y.example/b", "ok")]
    kept = [json.loads(x) for x in (tmp_path / "out" / "deduplicated.jsonl").read_text().splitlines()]
    assert [k["id"] for k in kept] == ["custom.jsonl#a"] and kept[0]["group_size"] == 2
    assert not (tmp_path / "out" / "deduplicated").exists()
    bad = CliRunner().invoke(app, args + ["--overwrite", "--url-key", "src..link"])
    assert bad.exit_code == 2 and "read.url_key must be a field name" in bad.output


def test_no_text_field_says_how_to_name_it(tmp_path):
    (tmp_path / "f.jsonl").write_text(json.dumps({"body": ARTICLE}) + "\n")
    result = samestory.run(tmp_path, settings=SETTINGS)
    reason = result.documents.column("reason").to_pylist()[0]
    assert "no text field" in reason and "body" in reason and "--text-key" in reason


def test_report_shows_dates_as_precise_as_known(curated):
    from samestory.output.report import build_report_data

    result, _ = curated
    data = build_report_data(result.documents, result.pairs, result.summary)
    dates = {d["id"]: d["date"] for d in data["docs"]}
    assert dates["CC-MAIN-test.warc.wet.gz#https://wetsite.example/bridge"] == "2024-02-20T01:02:03Z"
    assert dates["redpajama.parquet#2024-10/0000/en_head.json.gz/0"] == "2024-03-06"  # midnight: a day
