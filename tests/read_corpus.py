"""A small crawl in every format and shape the readers meet, for the read-task tests.

`build(folder)` writes it; each file is a few KB, so a tiny task size cuts every file into
many parts (lines longer than a part, parts with no line start, parts inside a WARC record).
"""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .input_fixtures import write_saved_dataset, write_wet

WORDS = "harbour quay storm council ferry market choir bridge river school budget".split()


def text(i: int, words: int = 40) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(words)) + f" number {i}."


def page(i: int) -> str:
    return (f"<html><head><title>Page {i}</title></head><body><article><h1>Page {i}</h1>"
            f"<p>{text(i)}</p><p>{text(i + 1)}</p></article></body></html>")


def jsonl_lines() -> list[str]:
    """JSON Lines with ids, without ids, repeated ids, an id that ends in ~2, bad lines, a
    long line, blank lines, an array line, a pretty-printed object, lone surrogates."""
    lines = []
    for i in range(30):
        record = {"text": text(i)}
        if i % 3:
            record["id"] = f"r{i % 11}"  # repeats: r1, r2 ... come back
        if i == 4:
            record["id"] = "r1~2"  # what the rule would name the second r1
        lines.append(json.dumps(record))
    lines.insert(5, '{"id": "bad", "text": "unterminated}')
    lines.insert(9, "")
    lines.insert(10, "   ")
    lines.insert(12, json.dumps({"id": "long", "text": text(99, words=600)}))
    lines.insert(15, json.dumps([{"id": "a1", "text": text(50)}, {"text": text(51)}]))
    lines.insert(18, "not json at all")
    lines.insert(19, "still not json")
    lines.insert(22, json.dumps({"id": "s\ud800", "text": text(60) + " \udcff"}, ensure_ascii=True))
    lines.insert(24, '42')
    return lines


def pretty_inside() -> str:
    """JSON Lines with a pretty-printed object in the middle: a part boundary inside it must
    leave the ids as one reader gives them."""
    head = [json.dumps({"text": text(i)}) for i in range(6)]
    pretty = json.dumps({"id": "pretty", "text": text(70), "meta": {"a": [1, 2, 3], "b": "x"}}, indent=2)
    broken = '{\n  "text": "unterminated,\n  "title": 3\n}'
    tail = [json.dumps({"text": text(i)}) for i in range(6, 12)]
    return "\n".join(head + [pretty] + tail[:3] + [broken] + tail[3:]) + "\n"


def warc_records(pages: list[tuple[str | None, str, str, str]], gz_each: bool) -> bytes:
    """(uri or None, status, content type, body) as response records, with a warcinfo and a
    request record; one gzip member per record when `gz_each`."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz_each)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    for n, (uri, status, ctype, body) in enumerate(pages):
        data = body.encode("utf-8")
        http = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(data)))],
                                protocol="HTTP/1.1")
        record = writer.create_warc_record(uri or "", "response", payload=io.BytesIO(data), http_headers=http,
                                           warc_headers_dict={"WARC-Date": "2024-02-20T01:02:03Z"})
        if uri is None:
            record.rec_headers.remove_header("WARC-Target-URI")
        writer.write_record(record)
        if n == 2:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "a.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record("https://a.example/", "request",
                                                          payload=io.BytesIO(b""), http_headers=request))
    return out.getvalue()


def warc_pages() -> list[tuple[str | None, str, str, str]]:
    pages = []
    for i in range(14):
        uri = f"https://a.example/{i % 9}" if i != 5 else None  # repeated URIs; one without
        status, ctype = "200 OK", "text/html; charset=utf-8"
        if i == 3:
            status = "404 Not Found"
        if i == 7:
            ctype = "image/png"
        pages.append((uri, status, ctype, page(i)))
    return pages


def build(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pages").mkdir()
    for i in range(6):
        (folder / "pages" / f"p{i}.html").write_text(page(i), encoding="utf-8")
    (folder / "pages" / "note.txt").write_text(text(3), encoding="utf-8")
    (folder / "pages" / "empty.txt").write_text("")
    lines = jsonl_lines()
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "crlf.jsonl").write_bytes(("\r\n".join(lines)).encode())  # CRLF, last line without newline
    (folder / "pretty.jsonl").write_text(pretty_inside(), encoding="utf-8")
    (folder / "bom.json").write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines[:8]) + "\n").encode())
    (folder / "array.json").write_text(json.dumps([{"text": text(i)} for i in range(12)], indent=2))
    (folder / "empty.jsonl").write_text("")
    (folder / "blank.jsonl").write_text("\n\n  \n")
    (folder / "latin.jsonl").write_bytes(("\n".join(lines[:6]) + "\n").encode() + b'{"text": "caf\xe9 ' +
                                         text(80).encode() + b'"}\n')
    with gzip.open(folder / "zipped.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    good = gzip.compress(("\n".join(lines) + "\n").encode())
    (folder / "truncated.jsonl.gz").write_bytes(good[: len(good) // 2])
    corrupt = bytearray(good)
    corrupt[len(corrupt) // 2: len(corrupt) // 2 + 20] = b"\x00" * 20
    (folder / "corrupt.jsonl.gz").write_bytes(bytes(corrupt))
    texts = [text(i) for i in range(40)]
    ids = [None if i % 4 == 0 else f"q{i % 13}" for i in range(40)]
    pq.write_table(pa.table({"id": ids, "text": texts}), folder / "rows.parquet", row_group_size=4)
    pq.write_table(pa.table({"body": texts[:3]}), folder / "notext.parquet", row_group_size=1)
    warc_plain = warc_records(warc_pages(), gz_each=False)
    (folder / "crawl.warc").write_bytes(warc_plain)
    (folder / "crawl.warc.gz").write_bytes(warc_records(warc_pages(), gz_each=True))
    (folder / "whole.warc.gz").write_bytes(gzip.compress(warc_plain))  # one member: read whole
    cut = warc_records(warc_pages()[:6], gz_each=False)
    (folder / "cut.warc").write_bytes(cut[: len(cut) - 300])  # truncated: read whole
    inside = warc_records([("https://a.example/w", "200 OK", "text/html",
                            page(1) + "\nWARC/1.0\r\nnot a record\n" + page(2))] + warc_pages()[:4], gz_each=False)
    (folder / "inside.warc").write_bytes(inside)  # a record line in a page: a false start
    write_wet(folder / "crawl.warc.wet.gz", [(f"https://w.example/{i}", text(i)) for i in range(10)])
    write_saved_dataset(folder / "saved", [{"id": f"d{i}", "text": text(i)} for i in range(5)], shards=2)
    (folder / "again").mkdir()
    (folder / "again" / "feed.jsonl").write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    os.symlink(folder / "pages" / "p1.html", folder / "pages" / "p9-link.html")  # the same file twice
    return folder
