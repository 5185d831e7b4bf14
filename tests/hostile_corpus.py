"""A corpus of hostile inputs covering every format, built in a temp folder.

`build(folder)` writes it and returns how many rows a run must produce: each input document,
and each entry that cannot be read, is one row ("count in = count out").
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import socket
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PLAIN = (
    "The market hall will close for renovation in May. Traders will move to a temporary hall on the "
    "square, the council said, and the works should take about eight months to complete."
)
ARTICLE = (
    "<html><head><title>Quay wall repaired</title></head><body><article><h1>Quay wall repaired</h1>"
    "<p>The old quay wall in the harbour was repaired this week after storms in January washed out part "
    "of its foundations, the port authority said on Thursday in a statement to residents.</p></article>"
    "</body></html>"
)
ZEROS = b"\0" * 20_000_000  # as a gzip bomb: 20 KB on disk
FRENCH = "Le naïf maître d’hôtel a reçu l’œuvre « Noël » — un cadeau de 20 € pour l’été, dit le maire."
GERMAN_LINES = ["Die Brücke über die Lune wird gesperrt.", "Der Bürgermeister äußerte sich am Dienstag.",
                "Die Fähre fährt weiter, sagte er.", "Übermorgen beginnt die Arbeit an der Brücke."]


def _warc(pages, record_type: str = "response", encoding: str | None = None,
          content_type: str = "text/html; charset=utf-8") -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for uri, body in pages:
        fields = [("Content-Type", content_type)]
        if encoding:
            fields.append(("Content-Encoding", encoding))
        headers = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1")
        if record_type == "request":
            headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "a.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(uri, record_type, payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


def _pages(n: int, site: str = "a") -> list[tuple[str, bytes]]:
    return [(f"https://{site}.example/{i}", ARTICLE.replace("Quay", f"Quay {site}{i}").encode()) for i in range(1, n + 1)]


def _jsonl(*records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def _corrupt_row_group(path: Path) -> None:
    texts = [f"{PLAIN} Row {i} " + "word " * 100 for i in range(30)]
    pq.write_table(pa.table({"text": texts}), path, row_group_size=10, compression="snappy")
    column = pq.ParquetFile(path).metadata.row_group(1).column(0)
    data = bytearray(path.read_bytes())
    start, end = column.dictionary_page_offset + 30, column.data_page_offset - 10
    data[start:end] = b"\xff" * (end - start)
    path.write_bytes(bytes(data))


def build(folder: Path) -> int:
    """Write the hostile corpus under `folder`; return the number of rows a run must give."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = 0

    def put(name: str | bytes, data: bytes | str, rows: int = 1) -> None:
        nonlocal expected
        path = folder / (os.fsdecode(name) if isinstance(name, bytes) else name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        expected += rows

    # text and HTML
    put("text/good.txt", PLAIN)
    put("text/good.html", ARTICLE)
    put("text/empty.txt", b"")
    put("text/blank.html", "   \n\t  ")
    put("text/binary", bytes(range(256)) * 20)
    put("text/nul.txt", b"abc\0def" * 100)
    put("text/latin1.txt", ("Die Brücke über die Lune wird gesperrt. " * 4).encode("latin-1"))
    put("text/utf8_bad_bytes.txt", "Le café de la gare rouvre à midi, dit le maire.".encode() + b" \xff\xfe")
    put("text/utf16.txt", ("\ufeff" + PLAIN).encode("utf-16-le"))
    put("text/huge.html", b"<p>" + b"word " * 2_200_000)
    put("text/cut.html.gz", gzip.compress(ARTICLE.encode() * 50)[:300])
    put("text/not_gzip.html.gz", b"this is not gzip at all")
    put("text/bomb.html.gz", gzip.compress(ZEROS, 9))
    put("text/nested.html", "<div>" * 20_000 + "<p>" + PLAIN + "</p>" + "</div>" * 20_000)
    put("text/ansi_and_markup.txt", f"\x1b[31m[bold red]alert[/bold red]\x1b[0m {PLAIN * 5} \x07\x1b]0;title\x07")
    put("text/script_only.html", "<html><body><script>" + "var x = 1;" * 100 + "</script></body></html>")
    put("text/no_extension", ARTICLE)
    put(b"names/caf\xe9.txt", PLAIN + " Cafe.")
    put("names/evil\n\x1b[31mname.txt", PLAIN + " Evil name.")
    put("names/[red]markup[/red].txt", PLAIN + " Markup name.")
    put("names/.hidden.txt", PLAIN, rows=0)  # hidden entries are skipped by design
    # encodings (issue 20): a legacy code page, mixed lines, byte order marks, invisible text
    put("text/cp1252_french.txt", FRENCH.encode("cp1252"))
    put("text/mixed_lines.txt", b"\n".join(line.encode("utf-8" if k % 2 == 0 else "latin-1") for k, line in enumerate(GERMAN_LINES)))
    put("text/utf32.html", b"\xff\xfe\x00\x00" + ARTICLE.replace("Quay", "Brücke").encode("utf-32-le"))
    put("text/zero_width.txt", "\u200b\u200c\u200d \u2060\ufeff")
    put("json/utf16.jsonl", b"\xff\xfe" + _jsonl({"id": "u1", "text": FRENCH}, {"id": "u2", "text": PLAIN + " UTF-16."}).encode("utf-16-le"),
        rows=2)
    put("json/utf32be.json", b"\x00\x00\xfe\xff" + json.dumps({"id": "p", "text": PLAIN + " UTF-32."}, indent=2).encode("utf-32-be"))
    put("warc/utf16_payload.warc", _warc([("https://u.example/1", b"\xfe\xff" + ARTICLE.replace("Quay", "Brücke").encode("utf-16-be"))],
                                         content_type="text/html"))

    # special files and links: one row each, never opened
    (folder / "special").mkdir()
    os.mkfifo(folder / "special" / "pipe.jsonl")
    expected += 1
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "special" / "sock.html"))
    server.close()  # the socket file stays
    expected += 1
    (folder / "special" / "dangling.txt").symlink_to(folder / "special" / "missing.txt")
    expected += 1
    (folder / "special" / "loop").symlink_to(folder / "special")  # not followed: no row

    # JSON
    put("json/surrogates.jsonl", '{"id": "s", "title": "t \\udcff", "text": "' + PLAIN + ' \\ud800"}\n')
    put("json/first_line_array.jsonl", json.dumps([{"text": PLAIN + " A."}, {"text": PLAIN + " B."}]) + "\n"
        + _jsonl({"text": PLAIN + " C."}), rows=3)
    put("json/pretty.json", json.dumps({"title": "Pretty", "text": PLAIN}, indent=2))
    put("json/mixed_bad.jsonl", _jsonl({"text": PLAIN}) + "{not json}\n\n" + '"a string"\n' + _jsonl({"html": ARTICLE}), rows=3)
    put("json/values.jsonl", _jsonl({"text": None}, {"text": 5}, {"text": ["x"]}, {"html": {}}, {"title": "no text"}), rows=5)
    put("json/empty.jsonl", b"")
    put("json/empty_array.json", "[]")
    put("json/long_line.jsonl", '{"text": "' + "a" * 10_100_000 + '"}\n' + _jsonl({"text": PLAIN + " After."}), rows=2)
    put("json/cut.jsonl.gz", _cut_gzip(), rows=1 + _rows_before_cut())
    put("json/bomb.jsonl.gz", gzip.compress(ZEROS, 9))
    put("json/bomb.json.gz", gzip.compress(b"[" + ZEROS, 9))
    put("json/unclosed.json", "[" + json.dumps({"text": PLAIN + " Open."}) + ",", rows=2)
    put("json/bom.jsonl", "\ufeff" + _jsonl({"text": PLAIN + " BOM."}))
    put("json/deep.jsonl", '{"a": ' + "[" * 50_000 + "]" * 50_000 + "}\n")
    put("json/crlf.jsonl", _jsonl({"text": PLAIN + " CRLF."}).replace("\n", "\r\n"))

    # Parquet
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": [PLAIN + " P1.", None]}), folder / "good.parquet")
    expected += 2
    _corrupt_row_group(folder / "row_groups.parquet")
    expected += 20 + 1
    pq.write_table(pa.table({"text": pa.array([], type=pa.string())}), folder / "zero_rows.parquet")
    expected += 1
    pq.write_table(pa.table({"body": ["x"]}), folder / "no_text_column.parquet")
    expected += 1
    pq.write_table(pa.table({"[bold red]x\x1b[31m": ["x"]}), folder / "markup_column.parquet")
    expected += 1
    pq.write_table(pa.table({"text": [1, 2]}), folder / "int_text.parquet")
    expected += 2
    pq.write_table(pa.table({"text": ["a" * 45_000_000, PLAIN]}), folder / "bomb_row_group.parquet", compression="zstd")
    expected += 1  # one row group, unpacking to 45 MB from a few KB: one row, not unpacked
    put("garbage.parquet", b"PAR1 this is not parquet PAR1")
    put("bomb.parquet.gz", gzip.compress(ZEROS, 9))

    # WARC
    put("warc/good.warc.gz", gzip.compress(_warc(_pages(2))), rows=2)
    one, two, three = (_warc([page]) for page in _pages(3, "b"))
    two = re.sub(rb"Content-Length: \d+", b"Content-Length: 1000000000000", two, count=1)
    put("warc/absurd_length.warc", one + two + three, rows=3)
    put("warc/cut.warc", _warc(_pages(2, "c"))[:-300], rows=2)
    put("warc/requests.warc", _warc(_pages(2, "d"), record_type="request"))
    put("warc/zeros.warc.gz", gzip.compress(ZEROS, 9))
    put("warc/garbage.warc", b"GET / HTTP/1.1\r\n\r\n" * 10)
    put("warc/encoded_bomb.warc", _warc([("https://e.example/", gzip.compress(ZEROS, 9))], encoding="gzip"))
    put("warc/header_bomb.warc.gz", gzip.compress(b"WARC/1.0\r\n" + b"X" * 5_000_000, 9))

    # a samestory output folder among the inputs: one row, not read
    put("old_run/run.json", "{}", rows=0)
    put("old_run/documents.parquet", b"", rows=0)
    put("old_run/deduplicated.jsonl", _jsonl({"text": PLAIN}), rows=0)
    expected += 1
    return expected


def _cut_gzip() -> bytes:
    data = gzip.compress(_jsonl(*({"text": f"{PLAIN} {i}"} for i in range(300))).encode())
    return data[: len(data) // 2]


def _rows_before_cut() -> int:
    """Records of json/cut.jsonl.gz that survive the cut (computed the way gzip sees them)."""
    data = _cut_gzip()
    out = b""
    reader = gzip.GzipFile(fileobj=io.BytesIO(data))
    try:
        while piece := reader.read1(65536):
            out += piece
    except EOFError:
        pass
    return out.count(b"\n")
