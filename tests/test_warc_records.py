"""WARC records: only 2xx HTML responses are pages; WET conversion records are text records."""

from warcio.archiveiterator import ArchiveIterator

from samestory.read.warc_records import warc_record_document
from tests.input_fixtures import WET_DATE, write_warc, write_wet

BODY = "<html><body><article><p>The ferry returns on Monday.</p></article></body></html>"


def documents(path, limit=10_000):
    out = []
    with open(path, "rb") as fh:
        for number, record in enumerate(ArchiveIterator(fh), start=1):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            doc = warc_record_document(record, f"{path.name}#{uri or number}", str(path), limit)
            if doc is not None:
                out.append(doc)
    return out


def test_wet_conversion_records_are_text_records(tmp_path):
    path = write_wet(tmp_path / "cc.warc.wet.gz", [("https://a.example/1", "Ferry back\nThe ferry returns."),
                                                    ("https://b.example/2", "Zweiter Text.")])
    docs = documents(path)  # the warcinfo record is not a document
    assert [(d.doc_id, d.kind, d.url, d.date, d.fetched) for d in docs] == [
        ("cc.warc.wet.gz#https://a.example/1", "text", "https://a.example/1", WET_DATE, WET_DATE),
        ("cc.warc.wet.gz#https://b.example/2", "text", "https://b.example/2", WET_DATE, WET_DATE),
    ]
    assert docs[0].content == "Ferry back\nThe ferry returns."
    assert docs[0].record_id == "<urn:uuid:00000000-0000-0000-0000-000000000001>"
    meta = docs[0].metadata
    assert meta["WARC-Identified-Content-Language"] == "eng" and meta["WARC-Refers-To"].startswith("<urn:uuid:1")
    assert "WARC-Target-URI" not in meta and "WARC-Date" not in meta and list(meta) == sorted(meta)


def test_only_2xx_html_responses_are_pages(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", [
        ("https://a.example/ok", "200 OK", "text/html; charset=utf-8", BODY),
        ("https://a.example/gone", "404 Not Found", "text/html", BODY),
        ("https://a.example/moved", "301 Moved Permanently", "text/html", ""),
        ("https://a.example/error", "503 Service Unavailable", "text/html", BODY),
        ("https://a.example/data", "200 OK", "application/json", "{}"),
        ("https://a.example/empty", "204 No Content", "text/html", ""),
    ])
    got = {d.url.rsplit("/", 1)[1]: d for d in documents(path)}
    assert got["ok"].kind == "html" and got["ok"].fetched == WET_DATE and got["ok"].date is None
    assert got["ok"].metadata["HTTP-Status"] == "200"
    assert got["gone"].reason == "HTTP 404 response (only 2xx responses are pages)"
    assert got["moved"].reason == "HTTP 301 response (only 2xx responses are pages)"
    assert got["error"].reason.startswith("HTTP 503 response")
    assert got["data"].reason == "not an HTML response (application/json)"
    assert got["empty"].reason == "empty HTTP response body"
    assert got["gone"].metadata["HTTP-Status"] == "404"  # a rejected record keeps its headers


def test_too_large_records_are_rejected(tmp_path):
    path = write_wet(tmp_path / "big.warc.wet.gz", [("https://a.example/1", "x" * 100)])
    (doc,) = documents(path, limit=50)
    assert doc.kind == "rejected" and "too large" in doc.reason
