"""Reading every supported format, doc_id rules, and bad input turned into reasons."""

from __future__ import annotations

import gzip
import io
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import samestory
from samestory.read import InputError, check_paths, iter_documents

from .conftest import by_id

ARTICLE = (
    "<html><head><title>Quay wall repaired</title></head><body><article><h1>Quay wall repaired</h1>"
    "<p>The old quay wall in the harbour was repaired this week after storms in January washed out part of its "
    "foundations, the port authority said on Thursday in a statement to residents.</p>"
    "<p>Engineers poured new concrete footings and replaced forty metres of the granite facing stones, which "
    "had been shipped from the same quarry that supplied the original wall in 1887.</p></article></body></html>"
)
PLAIN = (
    "The market hall will close for renovation in May. Traders will move to a temporary hall on the square, "
    "the council said, and the works should take about eight months to complete."
)


def read_all(path):
    return {d.doc_id: d for d in iter_documents([path])}


def test_formats_and_doc_ids(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.html").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "note.txt").write_text(PLAIN, encoding="utf-8")
    (tmp_path / "readme.md").write_text("# Title\n\n" + PLAIN, encoding="utf-8")
    with gzip.open(tmp_path / "zipped.html.gz", "wt", encoding="utf-8") as fh:
        fh.write(ARTICLE)
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"id": "a1", "text": PLAIN, "url": "https://x.example/a1", "date": "2024-05-01"}) + "\n"
        + json.dumps({"html": ARTICLE}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "arr.json").write_text(json.dumps([{"id": "j1", "text": PLAIN}]), encoding="utf-8")
    pq.write_table(pa.table({"id": ["p1", None], "text": [PLAIN, PLAIN + " Again."]}), tmp_path / "rows.parquet")
    docs = read_all(tmp_path)
    assert set(docs) == {
        "site/page.html", "note.txt", "readme.md", "zipped.html.gz", "feed.jsonl#a1", "feed.jsonl#2",
        "arr.json#j1", "rows.parquet#p1", "rows.parquet#2",
    }
    assert docs["site/page.html"].kind == "html"
    assert docs["zipped.html.gz"].kind == "html"
    assert docs["note.txt"].kind == "text"
    assert docs["feed.jsonl#a1"].url == "https://x.example/a1"
    assert docs["feed.jsonl#2"].kind == "html"


def test_warc_records(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri, body, ctype in (
            ("https://a.example/1", ARTICLE.encode(), "text/html; charset=utf-8"),
            ("https://a.example/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))
    docs = read_all(path)
    assert docs["crawl.warc.gz#https://a.example/1"].kind == "html"
    assert docs["crawl.warc.gz#https://a.example/1"].url == "https://a.example/1"
    assert "not an HTML response" in docs["crawl.warc.gz#https://a.example/logo.png"].reason


def test_charset_detection_and_entities(tmp_path, settings):
    latin = "Die Brücke über die Lune wird für drei Wochen gesperrt, teilte die Stadt am Freitag mit. " * 3
    (tmp_path / "latin1.txt").write_bytes(latin.encode("latin-1"))
    (tmp_path / "meta.html").write_bytes(
        ("<html><head><meta charset='windows-1252'></head><body><article><p>"
         + "Caf\u00e9 owners on the quay said the \u201cwinter season\u201d had been the best in years. " * 4
         + "</p></article></body></html>").encode("cp1252")
    )
    (tmp_path / "entities.txt").write_text("Smith &amp; Sons said &#8220;yes&#8221; to the offer. " * 3)
    docs = by_id(samestory.run(tmp_path, settings=settings).documents)
    assert "Brücke über" in docs["latin1.txt"]["text"]
    assert "Caf\u00e9 owners" in docs["meta.html"]["text"]
    assert "\u201cwinter season\u201d" in docs["meta.html"]["text"]
    assert "Smith & Sons said \u201cyes\u201d" in docs["entities.txt"]["text"]


def test_bad_inputs_are_rejected_with_reasons(tmp_path, settings):
    (tmp_path / "good.txt").write_text(PLAIN)
    (tmp_path / "image.bin").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "garbage.txt").write_bytes(bytes([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x82]) * 300 + b"\x00")
    full = gzip.compress(ARTICLE.encode() * 20)
    (tmp_path / "truncated.html.gz").write_bytes(full[: len(full) // 2])
    (tmp_path / "broken.warc").write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort")
    (tmp_path / "empty.html").write_text("<html><body></body></html>")
    (tmp_path / "chrome_only.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (tmp_path / "huge.html").write_text("<html><body>" + "<p>" + "word " * 4_000_000 + "</p></body></html>")
    (tmp_path / "lines.jsonl").write_text(json.dumps({"text": PLAIN}) + "\n{not json}\n" + json.dumps([1, 2]) + "\n")
    pq.write_table(pa.table({"body": ["x"], "n": [1]}), tmp_path / "notext.parquet")
    (tmp_path / "zero.txt").write_text("")
    result = samestory.run(tmp_path, settings=settings)
    docs = by_id(result.documents)
    reasons = {k: v["reason"] for k, v in docs.items() if v["status"] == "rejected"}
    assert docs["good.txt"]["status"] == "ok"
    assert "binary" in reasons["image.bin"]
    assert "undecodable" in reasons["garbage.txt"] or "binary" in reasons["garbage.txt"]
    assert "truncated gzip" in reasons["truncated.html.gz"]
    assert "broken WARC record" in reasons["broken.warc#record-1"]
    assert "no main text" in reasons["empty.html"]
    assert "no text left after removing site chrome" in reasons["chrome_only.html"]
    assert "too large" in reasons["huge.html"] and "max_document_bytes" in reasons["huge.html"]
    assert "not valid JSON" in reasons["lines.jsonl#2"]
    # an array on a JSONL line is read item by item: each non-object item is a row
    assert "not a JSON object" in reasons["lines.jsonl#3.1"] and "not a JSON object" in reasons["lines.jsonl#3.2"]
    assert docs["lines.jsonl#1"]["status"] == "ok"
    assert "no text column" in reasons["notext.parquet"] and "body" in reasons["notext.parquet"]
    assert "empty file" in reasons["zero.txt"]
    assert result.summary["rejected"] == len(reasons)
    assert result.summary["documents"] == len(docs)


def test_truncated_jsonl_gz_keeps_records_before_the_break(tmp_path, settings):
    lines = "".join(json.dumps({"id": f"r{i}", "text": f"{PLAIN} Record {i}."}) + "\n" for i in range(200))
    data = gzip.compress(lines.encode())
    (tmp_path / "feed.jsonl.gz").write_bytes(data[: int(len(data) * 0.6)])
    docs = by_id(samestory.run(tmp_path, settings=settings).documents)
    ok = [d for d in docs.values() if d["status"] == "ok"]
    rejected = [d for d in docs.values() if d["status"] == "rejected"]
    assert ok and len(rejected) == 1
    assert "truncated gzip" in rejected[0]["reason"]


def test_missing_and_unreadable_paths(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="no such file or folder"):
        check_paths([tmp_path / "nope"])
    monkeypatch.setattr(os, "access", lambda *a, **k: False)  # root can read anything; simulate
    with pytest.raises(InputError, match="not readable"):
        check_paths([tmp_path])


def test_duplicate_doc_ids_are_made_unique(tmp_path):
    (tmp_path / "f.jsonl").write_text(json.dumps({"id": "x", "text": PLAIN}) + "\n" + json.dumps({"id": "x", "text": PLAIN}) + "\n")
    assert sorted(read_all(tmp_path)) == ["f.jsonl#x", "f.jsonl#x~2"]
