"""Hostile inputs: each is built in a temp folder; none may crash, hang or vanish.

Every test asserts "count in = count out": each input document (or unreadable entry) is one row.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tracemalloc

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import samestory
from samestory import Settings
from samestory.read import iter_documents
from samestory.read import decode as decode_module
from samestory.read.decode import decode_bytes

from .conftest import by_id
from .hostile_corpus import ARTICLE, PLAIN



@pytest.fixture
def quick() -> Settings:
    return Settings().replace(run={"workers": 1, "progress": False}, rewrite={"enabled": False})


@pytest.fixture(autouse=True)
def no_hang():
    """A hang (e.g. opening a FIFO) fails the test instead of stalling the suite."""
    def fail(signum, frame):
        raise TimeoutError("reading hung")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def read(path, limit: int = 10_000_000) -> dict:
    return {d.doc_id: d for d in iter_documents([path], limit)}


def reasons(docs: dict) -> dict:
    return {k: d.reason for k, d in docs.items() if d.kind == "rejected"}


# --- 1. lone surrogates ----------------------------------------------------------------------


def test_lone_surrogates_in_jsonl_are_replaced_and_written(tmp_path, quick):
    src = tmp_path / "in"
    src.mkdir()
    lines = [  # three unrelated texts, so that each is kept in the deduplicated corpus
        '{"id": "s1", "title": "Bad \\udcff title", "text": "' + PLAIN + ' Lone \\udcff here."}',
        '{"id": "s2\\ud800", "text": "Ferry fares rise by a tenth \\ud83d from June.", "url": "https://x.example/\\udfff",'
        ' "lang": "x\\udc80"}',
        '{"id": "ok", "text": "The choir won the regional contest \\ud83d\\ude00 again."}',
    ]
    (src / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = samestory.run(src, out=tmp_path / "out", settings=quick)
    docs = by_id(result.documents)
    assert len(docs) == 3  # count in = count out
    assert docs["feed.jsonl#s1"]["status"] == "ok"
    assert "Lone \ufffd here." in docs["feed.jsonl#s1"]["text"]
    assert docs["feed.jsonl#s1"]["title"] == "Bad \ufffd title"
    assert docs["feed.jsonl#s2\ufffd"]["url"] == "https://x.example/\ufffd"
    assert docs["feed.jsonl#s2\ufffd"]["record_id"] == "s2\ufffd"
    assert json.loads(docs["feed.jsonl#s2\ufffd"]["metadata"]) == {"lang": "x\ufffd"}  # other fields too
    assert "\U0001F600" in docs["feed.jsonl#ok"]["text"]
    # the outputs were written and read back as UTF-8
    kept = pq.read_table(tmp_path / "out" / "deduplicated").to_pylist()
    assert any("Lone \ufffd here." in row["text"] for row in kept)
    assert pq.read_table(tmp_path / "out" / "documents.parquet").num_rows == 3


# --- 2. file names that are not UTF-8 ---------------------------------------------------------


def test_non_utf8_file_names_are_read_and_named_readably(tmp_path, quick):
    src = tmp_path / "in"
    src.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 name: not decodable as UTF-8
    (src / name).write_text(PLAIN, encoding="utf-8")
    sub = src / os.fsdecode(b"dir\xff")
    sub.mkdir()
    (sub / "page.html").write_text(ARTICLE, encoding="utf-8")
    result = samestory.run(src, out=tmp_path / "out", settings=quick)
    docs = by_id(result.documents)
    assert set(docs) == {"caf\\xe9.txt", "dir\\xff/page.html"}
    assert all(d["status"] == "ok" for d in docs.values())
    assert "caf\\xe9.txt" in docs["caf\\xe9.txt"]["source"]
    assert (tmp_path / "out" / "run.json").is_file()


# --- 3. special files --------------------------------------------------------------------------


def test_fifos_sockets_and_devices_are_rejected_without_opening(tmp_path, quick):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(PLAIN)
    os.mkfifo(src / "pipe.jsonl")  # opening it would block forever: no writer
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(src / "sock.html"))
    try:
        docs = by_id(samestory.run(src, settings=quick).documents)
    finally:
        server.close()
    assert len(docs) == 3
    assert docs["good.txt"]["status"] == "ok"
    assert "FIFO" in docs["pipe.jsonl"]["reason"] and docs["pipe.jsonl"]["status"] == "rejected"
    assert "socket" in docs["sock.html"]["reason"]


def test_special_file_as_argument_gets_a_row(tmp_path, quick):
    os.mkfifo(tmp_path / "pipe")
    for path, kind in ((tmp_path / "pipe", "FIFO"), ("/dev/null", "character device")):
        docs = by_id(samestory.run(path, settings=quick).documents)
        assert len(docs) == 1
        (row,) = docs.values()
        assert row["status"] == "rejected" and kind in row["reason"]


def test_broken_symlink_gets_a_row(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    assert "broken symbolic link" in reasons(read(tmp_path))["gone.txt"]


# --- 4. JSON shapes -------------------------------------------------------------------------------


def test_jsonl_whose_first_line_is_an_array(tmp_path):
    first = json.dumps([{"id": "a", "text": PLAIN}, {"id": "b", "text": PLAIN + " B."}])
    rest = json.dumps({"id": "c", "text": PLAIN + " C."}) + "\n" + json.dumps({"text": PLAIN + " D."})
    (tmp_path / "mixed.jsonl").write_text(first + "\n" + rest + "\n")
    docs = read(tmp_path)
    assert set(docs) == {"mixed.jsonl#a", "mixed.jsonl#b", "mixed.jsonl#c", "mixed.jsonl#3"}
    assert all(d.kind == "text" for d in docs.values())


def test_pretty_printed_json_object_and_array(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"title": "One", "text": PLAIN}, indent=2))
    (tmp_path / "many.json").write_text(json.dumps([{"text": PLAIN + " 1."}, {"text": PLAIN + " 2."}], indent=4))
    docs = read(tmp_path)
    assert set(docs) == {"one.json#1", "many.json#1", "many.json#2"}
    assert docs["one.json#1"].title == "One" and docs["one.json#1"].kind == "text"


def test_broken_pretty_json_costs_one_row_and_reading_resumes(tmp_path):
    broken = '{\n  "text": "unterminated,\n  "title": 3\n}\n'
    (tmp_path / "f.jsonl").write_text(broken + json.dumps({"id": "after", "text": PLAIN}) + "\n")
    docs = read(tmp_path)
    assert set(docs) == {"f.jsonl#1", "f.jsonl#after"}
    assert "not valid JSON" in docs["f.jsonl#1"].reason and "lines 1-4" in docs["f.jsonl#1"].reason


# --- 5. WARC framing -------------------------------------------------------------------------------


def warc_bytes(pages: list[tuple[str, str]], record_type: str = "response") -> list[bytes]:
    """One uncompressed WARC record per (uri, html)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    records = []
    for uri, html in pages:
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        if record_type == "request":
            headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "a.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(
            uri, record_type, payload=io.BytesIO(html.encode()), http_headers=headers))
        records.append(buffer.getvalue())
    return records


def three_pages() -> list[tuple[str, str]]:
    return [(f"https://a.example/{i}", ARTICLE.replace("Quay", f"Quay {i}")) for i in (1, 2, 3)]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_absurd_content_length_does_not_swallow_later_records(tmp_path, gz):
    one, two, three = warc_bytes(three_pages())
    two = re.sub(rb"Content-Length: \d+", b"Content-Length: 1000000000000", two, count=1)
    data = one + two + three
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(gzip.compress(data) if gz else data)
    docs = read(path)
    name = path.name
    assert len(docs) == 3
    assert docs[f"{name}#https://a.example/1"].kind == "html"
    assert "truncated" in docs[f"{name}#https://a.example/2"].reason
    assert docs[f"{name}#https://a.example/3"].kind == "html"


def test_warc_record_truncated_mid_payload_is_rejected(tmp_path):
    one, two = warc_bytes(three_pages()[:2])
    (tmp_path / "cut.warc").write_bytes(one + two[: len(two) - 200])
    docs = read(tmp_path / "cut.warc")
    assert docs["cut.warc#https://a.example/1"].kind == "html"
    assert "truncated" in docs["cut.warc#https://a.example/2"].reason


def test_warc_of_requests_only_has_no_records(tmp_path):
    (tmp_path / "req.warc").write_bytes(b"".join(warc_bytes(three_pages()[:2], record_type="request")))
    assert "no records" in reasons(read(tmp_path))["req.warc"]


# --- 6. gzip bombs ------------------------------------------------------------------------------------

LIMIT = 200_000  # max_document_bytes for the bomb tests; the bombs expand to 8 MB, 40x that


def bombs(tmp_path) -> dict[str, bytes]:
    zeros = b"\0" * 8_000_000
    long_line = b'{"text": "' + b"a" * 8_000_000 + b'"}\n'
    warc_head = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://b.example/\r\nContent-Length: 8000000\r\n\r\n"
    return {
        "zeros.html.gz": zeros,
        "zeros.jsonl.gz": zeros,
        "line.jsonl.gz": long_line,
        "records.jsonl.gz": (json.dumps({"text": PLAIN}) + "\n").encode() * 8_000,
        "array.json.gz": b"[" + long_line[:-1] + b"]",
        "zeros.parquet.gz": zeros,
        "zeros.warc.gz": zeros,
        "record.warc.gz": warc_head + zeros,
    }


def test_gzip_bombs_are_bounded_in_every_format(tmp_path):
    for name, content in bombs(tmp_path).items():
        (tmp_path / name).write_bytes(gzip.compress(content, compresslevel=9))
    for name in sorted(os.listdir(tmp_path)):
        kinds, last = [], None
        tracemalloc.start()
        for doc in iter_documents([tmp_path / name], LIMIT):  # streamed: the test holds no text
            kinds.append(doc.kind)
            last = doc.reason
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert kinds[-1] == "rejected" and last, name
        # memory: two documents' worth plus the normal footprint: buffers, and the set of
        # doc_ids seen (made unique), which grows with the number of rows as for any input
        assert peak <= 2 * LIMIT + 1_000_000 + 200 * len(kinds), (name, peak)
    records = read(tmp_path / "records.jsonl.gz", LIMIT)
    assert sum(d.kind == "text" for d in records.values()) > 1000  # records before the budget ran out
    assert "budget" in list(records.values())[-1].reason


def test_html_gz_bomb_is_rejected_as_too_large(tmp_path):
    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"a" * 5_000_000))
    assert "too large" in reasons(read(tmp_path, LIMIT))["bomb.html.gz"]


# --- 9. Parquet row groups ---------------------------------------------------------------------


def test_corrupt_parquet_row_group_loses_only_its_rows(tmp_path):
    path = tmp_path / "rows.parquet"
    texts = [f"{PLAIN} Row {i} " + "word " * 200 for i in range(30)]
    pq.write_table(pa.table({"text": texts}), path, row_group_size=10, compression="snappy")
    meta = pq.ParquetFile(path).metadata
    column = meta.row_group(1).column(0)
    data = bytearray(path.read_bytes())
    # garble the group's dictionary page (its compressed values), past the page header
    start, end = column.dictionary_page_offset + 30, column.data_page_offset - 10
    data[start:end] = b"\xff" * (end - start)
    path.write_bytes(bytes(data))
    docs = read(path)
    rejected = reasons(docs)
    assert sum(d.kind == "text" for d in docs.values()) == 20
    assert {f"rows.parquet#{i}" for i in range(1, 11)} | {f"rows.parquet#{i}" for i in range(21, 31)} <= set(docs)
    (reason,) = rejected.values()
    assert "row group 2" in reason and "rows 11-20" in reason


def test_zero_row_parquet_has_no_records(tmp_path):
    pq.write_table(pa.table({"text": pa.array([], type=pa.string())}), tmp_path / "empty.parquet")
    assert "no records" in reasons(read(tmp_path))["empty.parquet"]


# --- 10. unreadable sub-folder ----------------------------------------------------------------


def test_unreadable_subfolder_gets_a_row(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text(PLAIN)
    (tmp_path / "z_locked").mkdir()
    (tmp_path / "z_locked" / "y.txt").write_text(PLAIN)
    real_scandir = os.scandir

    def scandir(path="."):  # tests run as root, where chmod 000 does not lock anything
        if os.fspath(path).endswith("z_locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    docs = read(tmp_path)
    assert set(docs) == {"a/x.txt", "z_locked/"}
    assert "unreadable folder" in docs["z_locked/"].reason and "Permission denied" in docs["z_locked/"].reason


# --- 11. UTF-8 with a few bad bytes ------------------------------------------------------------

SHORT_FRENCH = "Le café de la gare rouvre: les élèves y déjeunent à midi, dit le maire."


def test_short_utf8_with_invalid_bytes_is_read_as_utf8(tmp_path):
    data = SHORT_FRENCH.encode() + b" \xff\xfe fin."
    (tmp_path / "fr.txt").write_bytes(data)
    doc = read(tmp_path)["fr.txt"]
    assert doc.content.startswith(SHORT_FRENCH) and "\ufffd\ufffd fin." in doc.content
    # the same bytes decode the same way whatever the hash seed of the process
    code = (  # the module alone: importing the package would cost a second per process
        "import importlib.util as u, sys; s = u.spec_from_file_location('d', sys.argv[1]); m = u.module_from_spec(s);"
        " s.loader.exec_module(m); print(ascii(m.decode_bytes(sys.stdin.buffer.read())))"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", code, decode_module.__file__], input=data, capture_output=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert outputs == {ascii(decode_bytes(data)).encode() + b"\n"}


def test_legacy_code_page_still_detected():
    latin = ("Die Brücke über die Lune wird für drei Wochen gesperrt. " * 3).encode("latin-1")
    assert "Brücke über" in decode_bytes(latin)


# --- 13. a samestory output folder among the inputs ---------------------------------------


def test_samestory_run_folder_is_skipped_with_a_row(tmp_path, quick):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(PLAIN)
    samestory.run(src, out=src / "out", settings=quick)
    docs = by_id(samestory.run(src, settings=quick).documents)
    assert set(docs) == {"a.txt", "out/"}
    assert "samestory output folder" in docs["out/"]["reason"]
    assert by_id(samestory.run(src / "out", settings=quick).documents)["out/"]["status"] == "rejected"


# --- 15. files without records, unusable text values ------------------------------------


def test_files_without_records_get_one_row_each(tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "blank.jsonl").write_text("\n\n  \n")
    (tmp_path / "none.json").write_text("[]")
    docs = read(tmp_path)
    assert set(docs) == {"empty.jsonl", "blank.jsonl", "none.json"}
    assert all("no records" in d.reason for d in docs.values())


@pytest.mark.parametrize("record, expected", [
    ({"text": None}, "'text' is null"),
    ({"text": 42}, "'text' is a number, not a string"),
    ({"text": ["a"]}, "'text' is an array, not a string"),
    ({"text": "  "}, "'text' is empty"),
    ({"text": None, "html": False}, "'text' is null; 'html' is a boolean, not a string"),
    ({"title": "t"}, "no text field (tried 'text', 'raw_content', 'content', 'html'; fields: title"),
])
def test_unusable_text_values_have_precise_reasons(tmp_path, record, expected):
    (tmp_path / "r.jsonl").write_text(json.dumps(record) + "\n")
    (row,) = read(tmp_path).values()
    assert row.kind == "rejected" and expected in row.reason


def test_null_text_in_parquet(tmp_path):
    pq.write_table(pa.table({"text": [PLAIN, None]}), tmp_path / "t.parquet")
    docs = read(tmp_path)
    assert docs["t.parquet#1"].kind == "text" and "'text' is null" in docs["t.parquet#2"].reason


def test_missing_argument_with_undecodable_name_is_a_readable_error(tmp_path):
    from samestory.read import InputError, check_paths

    with pytest.raises(InputError, match=r"no such file or folder: .*caf\\xe9$"):
        check_paths([tmp_path / os.fsdecode(b"caf\xe9")])


def test_deeply_nested_json_is_rejected(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "deep.jsonl").write_text('{"a": ' + deep + "}\n" + json.dumps({"id": "ok", "text": PLAIN}) + "\n")
    (tmp_path / "deeparr.json").write_text("[" + deep + "]")
    docs = read(tmp_path)
    assert "nested too deeply" in docs["deep.jsonl#1"].reason and docs["deep.jsonl#ok"].kind == "text"
    assert "nested too deeply" in docs["deeparr.json#1"].reason


# --- per-document time limit on HTML extraction --------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_pathological_html_is_rejected_as_timed_out(tmp_path, workers):
    # 30k tiny paragraphs: trafilatura spends seconds here (minutes at 200k, under the size limit)
    (tmp_path / "slow.html").write_text("<html><body>" + "<p>word word word word</p>" * 30_000 + "</body></html>")
    (tmp_path / "fine.html").write_text(ARTICLE)
    settings = Settings().replace(
        run={"workers": workers, "progress": False}, rewrite={"enabled": False},
        clean={"html_timeout_seconds": 0.3}, read={"batch_size": 1},
    )
    started = time.monotonic()
    docs = by_id(samestory.run(tmp_path, settings=settings).documents)
    assert time.monotonic() - started < 5
    assert docs["slow.html"]["reason"] == "extraction timed out (over 0.3 s)"
    assert docs["fine.html"]["status"] == "ok", docs["fine.html"]["reason"]


def test_warc_content_length_with_thousands_of_digits(tmp_path):
    one, two = warc_bytes(three_pages()[:2])
    two = re.sub(rb"Content-Length: \d+", b"Content-Length: " + b"9" * 5000, two, count=1)
    (tmp_path / "digits.warc").write_bytes(one + two)
    docs = read(tmp_path / "digits.warc")
    assert docs["digits.warc#https://a.example/1"].kind == "html"
    assert "no valid Content-Length" in docs["digits.warc#https://a.example/2"].reason


def test_an_unforeseen_reader_error_is_a_row_not_a_crash(tmp_path, monkeypatch):
    from samestory.read import formats

    def broken(*args):
        yield formats.RawDocument(doc_id="f.jsonl#1", source="f", kind="text", content=PLAIN)
        raise ValueError("something nobody foresaw")

    monkeypatch.setattr(formats, "read_jsonl", broken)
    monkeypatch.setattr("samestory.read.read_jsonl", broken)
    (tmp_path / "f.jsonl").write_text("{}\n")
    docs = read(tmp_path)
    assert docs["f.jsonl#1"].kind == "text"
    assert "ValueError: something nobody foresaw" in docs["f.jsonl#after-1"].reason


def test_parquet_compression_bomb_row_group_is_not_unpacked(tmp_path):
    # one 8 MB text compresses to a few KB: Arrow would unpack the whole page to read it
    path = tmp_path / "bomb.parquet"
    pq.write_table(pa.table({"text": ["a" * 8_000_000, PLAIN]}), path, compression="zstd", row_group_size=1)
    pq.write_table(pa.table({"text": ["a" * 8_000_000, PLAIN]}), tmp_path / "mixed.parquet", compression="zstd")
    docs = read(tmp_path, LIMIT)
    assert "likely a compression bomb" in docs["bomb.parquet#1"].reason and "row 1" in docs["bomb.parquet#1"].reason
    assert docs["bomb.parquet#2"].kind == "text"  # its own row group, read
    assert "rows 1-2" in docs["mixed.parquet#1"].reason and len([k for k in docs if k.startswith("mixed")]) == 1


def arc_bytes(pages: list[tuple[str, str]]) -> bytes:
    """An ARC v1 file (the WARC predecessor): a filedesc record, then one record per page."""
    desc = b"1 0 test\nURL IP-address Archive-date Content-type Archive-length\n"
    out = b"filedesc://test.arc 0.0.0.0 20240101000000 text/plain %d\n%s\n" % (len(desc), desc)
    for uri, html in pages:
        body = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + html.encode()
        out += b"%s 1.2.3.4 20240101000000 text/html %d\n%s\n" % (uri.encode(), len(body), body)
    return out


def test_arc_records_and_a_truncated_one(tmp_path):
    data = arc_bytes(three_pages()[:2])
    (tmp_path / "old.arc.gz").write_bytes(gzip.compress(data))
    (tmp_path / "cut.arc").write_bytes(data[:-40])
    docs = read(tmp_path)
    assert docs["old.arc.gz#https://a.example/1"].kind == "html" and docs["old.arc.gz#https://a.example/2"].kind == "html"
    assert docs["cut.arc#https://a.example/1"].kind == "html"
    assert "truncated" in docs["cut.arc#https://a.example/2"].reason


# --- issue 20: the right bytes from any encoding -----------------------------------------------

# Short sentences (the hard case: little to go on), written for these tests, each in a code page
# its language is written in.
CODE_PAGE_CASES = [
    ("Le naïf maître d’hôtel a reçu l’œuvre « Noël » pour l’été.", "cp1252"),  # was read as cp1250: naďf
    ("Héloïse est naïve.", "cp1252"),
    ("Le naïf maître d'hôtel a reçu l'œuvre « Noël » pour 20 €.", "iso8859_15"),
    ("Die Brücke über die Lune wird gesperrt, sagte der Bürgermeister.", "cp1252"),
    ("Starosta řekl, že most přes řeku bude uzavřen až do konce května.", "cp1250"),
    ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "iso8859_2"),
    ("Zażółć gęślą jaźń, powiedział burmistrz w środę.", "iso8859_2"),
    ("Мэр города заявил, что мост будет закрыт на ремонт до конца мая.", "cp1251"),
    ("Мэр города заявил, что мост будет закрыт на ремонт до конца мая.", "koi8_r"),
    ("Ο δήμαρχος δήλωσε ότι η γέφυρα θα κλείσει για επισκευή.", "cp1253"),
    ("Belediye başkanı, köprünün mayıs sonuna kadar kapatılacağını söyledi.", "cp1254"),
    ("Meras sakė, kad tiltas bus uždarytas iki gegužės pabaigos.", "cp1257"),
    ("ראש העיר אמר שהגשר ייסגר לתיקונים עד סוף מאי.", "cp1255"),
    ("قال رئيس البلدية إن الجسر سيغلق للإصلاح حتى نهاية مايو.", "cp1256"),
    ("市長は、橋が五月末まで修理のために閉鎖されると述べた。", "shift_jis"),
    ("市長は、橋が五月末まで修理のために閉鎖されると述べた。", "euc_jp"),
    ("市长说这座桥将关闭维修，直到五月底。", "gbk"),
    ("시장은 다리가 5월 말까지 수리를 위해 폐쇄될 것이라고 말했다.", "euc_kr"),
]


@pytest.mark.parametrize("text, encoding", CODE_PAGE_CASES, ids=[f"{e}-{t[:12]}" for t, e in CODE_PAGE_CASES])
def test_legacy_code_pages_are_told_apart(text, encoding):
    assert decode_bytes(text.encode(encoding)) == text


def test_a_text_file_in_cp1252_keeps_its_letters(tmp_path):
    text = "Le naïf maître d’hôtel a reçu l’œuvre « Noël » — un cadeau pour l’été."
    (tmp_path / "fr.txt").write_bytes(text.encode("cp1252"))
    assert read(tmp_path)["fr.txt"].content == text


def test_a_file_of_mixed_encodings_is_decoded_line_by_line(tmp_path):
    lines = ["Die Brücke über die Lune wird gesperrt.", "Der Bürgermeister äußerte sich am Dienstag.",
             "Die Fähre fährt weiter, sagte er.", "Übermorgen beginnt die Arbeit."]
    data = b"\n".join(line.encode("utf-8" if k % 2 == 0 else "latin-1") for k, line in enumerate(lines))
    (tmp_path / "mixed.txt").write_bytes(data)
    assert read(tmp_path)["mixed.txt"].content == "\n".join(lines)  # was mojibake throughout: "BrĂĽcke"


def test_utf8_with_a_broken_sequence_in_one_line_stays_utf8():
    data = "Die Brücke über die Lune.\nDer Bürgermeister äußerte sich.\n".encode() + "Ende \xc3 der Zeile, äußerte er.\n".encode()
    data = data.replace(b"\xc3\x83", b"\xc3")  # the lone lead byte of a cut sequence
    assert decode_bytes(data) == "Die Brücke über die Lune.\nDer Bürgermeister äußerte sich.\nEnde \ufffd der Zeile, äußerte er.\n"


def test_a_page_that_declares_latin1_is_read_as_windows_1252(tmp_path):
    page = ('<html><head><meta charset="iso-8859-1"><title>Kaffee</title></head><body><article><p>Er sagte: '
            '„Die Brücke bleibt zu“ – bis Mai. ' + PLAIN + '</p></article></body></html>')
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    doc = read(tmp_path)["page.html"]
    assert "„Die Brücke bleibt zu“ – bis Mai." in doc.content  # browsers read ISO-8859-1 as windows-1252
    assert not any("\x80" <= c <= "\x9f" for c in doc.content)


BOM_CODECS = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"]
BOM_BYTES = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
             "utf-32-be": b"\x00\x00\xfe\xff", "utf-8": b"\xef\xbb\xbf"}


@pytest.mark.parametrize("codec", BOM_CODECS)
def test_a_byte_order_mark_is_read_in_every_format(tmp_path, codec, quick):
    def put(name: str, text: str) -> None:
        (tmp_path / "in" / name).write_bytes(BOM_BYTES[codec] + text.encode(codec))

    (tmp_path / "in").mkdir()
    text = "Die Brücke über die Lune wird gesperrt, sagte der Bürgermeister. " + PLAIN
    put("plain.txt", text)
    put("page.html", ARTICLE.replace("repaired this week", "repaired this week (Brücke über)"))
    put("feed.jsonl", json.dumps({"id": "a", "text": text + " A."}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "b", "text": text + " B."}, ensure_ascii=False) + "\n")
    put("pretty.json", json.dumps({"id": "p", "text": text + " P."}, ensure_ascii=False, indent=2))
    put("no_extension", text + " N.")
    payload = BOM_BYTES[codec] + ARTICLE.replace("Quay", "Brücke").encode(codec)
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://w.example/1", "response", payload=io.BytesIO(payload),
                                                  http_headers=headers))
    (tmp_path / "in" / "crawl.warc").write_bytes(buffer.getvalue())
    docs = by_id(samestory.run(tmp_path / "in", settings=quick).documents)
    assert {d: r["status"] for d, r in docs.items()} == dict.fromkeys(
        ["crawl.warc#https://w.example/1", "feed.jsonl#a", "feed.jsonl#b", "no_extension", "page.html", "plain.txt",
         "pretty.json#p"], "ok"), {d: r["reason"] for d, r in docs.items()}
    assert docs["plain.txt"]["text"] == text
    assert docs["feed.jsonl#b"]["text"] == text + " B."
    assert docs["pretty.json#p"]["text"] == text + " P."
    assert "Brücke über" in docs["page.html"]["text"]
    assert docs["crawl.warc#https://w.example/1"]["title"] == "Brücke wall repaired"


@pytest.mark.parametrize("invisible", ["\u200b\u200b\u200b", "\u200c \u200d \u2060", "\ufeff\u00ad", "\u3164\u3164",
                                       "\u2800 \u2800", "\u200b\n\u200e\u202a\u2066"])
def test_text_of_invisible_characters_has_no_word(tmp_path, quick, invisible):
    result = samestory.run([{"id": "zw", "text": invisible}, {"id": "ok", "text": PLAIN}], settings=quick)
    docs = by_id(result.documents)
    assert docs["records#zw"]["status"] == "rejected"  # was ok with 0 words, despite min_words = 1
    assert docs["records#zw"]["reason"] == "no visible text (only invisible characters)"
    assert docs["records#ok"]["status"] == "ok"


def test_invisible_characters_inside_words_do_not_hide_them():
    from samestory.clean.normalize import count_words

    assert count_words("mar\u00adket hall\u200b closes") == 3
    assert count_words("\u200b \u200b") == 0
