"""One reader per input format. Each yields RawDocument records, never raises for bad data.

A reader that meets bad input yields a `rejected` record with a reason and goes on
(or stops that file, when the format cannot resynchronise: truncated gzip, broken WARC).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from pathlib import Path
from typing import Iterator

from ..records import RawDocument
from .decode import DecodeError, decode_bytes, looks_binary

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}
PARQUET_SUFFIXES = {".parquet"}
WARC_SUFFIXES = {".warc", ".arc"}

_TAG = re.compile(r"<(?:p|div|br|span|a|script|html|body|head|article|section|h[1-6]|li|ul|table|meta|img)\b", re.I)


def format_of(path: Path) -> tuple[str, bool]:
    """(format, gzipped) from the file name; format is html/text/jsonl/parquet/warc/unknown."""
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    for fmt, known in (
        ("html", HTML_SUFFIXES),
        ("text", TEXT_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
        ("parquet", PARQUET_SUFFIXES),
        ("warc", WARC_SUFFIXES),
    ):
        if last in known:
            return fmt, gz
    return "unknown", gz


def looks_like_html(text: str) -> bool:
    """Crawls store HTML fragments under .txt names (seed 001 is one): sniff the markup."""
    head = text[:20000]
    return (head.lstrip().startswith("<") and "</" in head) or len(_TAG.findall(head)) >= 3


def _read_limited(path: Path, gz: bool, limit: int) -> bytes:
    """Read at most limit+1 bytes (decompressed), so an enormous file is never loaded whole."""
    if gz:
        with gzip.open(path, "rb") as fh:
            return fh.read(limit + 1)
    with open(path, "rb") as fh:
        return fh.read(limit + 1)


def _gzip_reason(exc: Exception) -> str:
    if isinstance(exc, EOFError):
        return "truncated gzip file (compressed stream ends early)"
    return f"corrupt gzip file ({exc})"


_GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


def _too_large(doc_id: str, source: str, limit: int) -> RawDocument:
    return RawDocument.rejected(
        doc_id, source, f"document too large: over {limit / 1e6:.1f} MB (max_document_bytes)"
    )


def read_single(path: Path, doc_id: str, fmt: str, gz: bool, limit: int) -> Iterator[RawDocument]:
    """An HTML, text or unknown-typed file: one document."""
    source = str(path)
    try:
        data = _read_limited(path, gz, limit)
    except _GZIP_ERRORS as exc:
        yield RawDocument.rejected(doc_id, source, _gzip_reason(exc))
        return
    except OSError as exc:
        yield RawDocument.rejected(doc_id, source, f"unreadable file: {exc.strerror or exc}")
        return
    if len(data) > limit:
        yield _too_large(doc_id, source, limit)
        return
    if not data.strip():
        yield RawDocument.rejected(doc_id, source, "empty file")
        return
    if fmt == "unknown" and looks_binary(data):
        yield RawDocument.rejected(doc_id, source, f"binary file of unsupported type ({path.suffix or 'no extension'})")
        return
    try:
        text = decode_bytes(data, is_html=fmt in ("html", "unknown", "text"))
    except DecodeError as exc:
        yield RawDocument.rejected(doc_id, source, str(exc))
        return
    kind = "html" if fmt == "html" or looks_like_html(text) else "text"
    yield RawDocument(doc_id=doc_id, source=source, kind=kind, content=text)


def _record_document(obj: dict, doc_id: str, source: str, limit: int) -> RawDocument:
    """A JSONL/Parquet record with `text` or `html` (text wins when both are present)."""
    text = obj.get("text")
    html = obj.get("html")
    meta = {
        "url": _str_or_none(obj.get("url")),
        "title": _str_or_none(obj.get("title")),
        "date": _str_or_none(obj.get("date")),
    }
    if isinstance(text, str) and text.strip():
        kind, content = "text", text
    elif isinstance(html, str) and html.strip():
        kind, content = "html", html
    elif text is None and html is None:
        return RawDocument.rejected(doc_id, source, "record has no 'text' or 'html' field")
    else:
        return RawDocument.rejected(doc_id, source, "record's text is empty")
    if len(content) > limit:
        return _too_large(doc_id, source, limit)
    if kind == "text" and looks_like_html(content):
        kind = "html"
    return RawDocument(doc_id=doc_id, source=source, kind=kind, content=content, **meta)


def _str_or_none(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _record_key(obj: dict, number: int) -> str:
    rid = obj.get("id")
    if rid is None or (isinstance(rid, str) and not rid.strip()):
        return str(number)
    return str(rid)


def read_jsonl(path: Path, rel: str, gz: bool, limit: int) -> Iterator[RawDocument]:
    source = str(path)
    opener = gzip.open if gz else open
    try:
        fh = opener(path, "rb")
        first = fh.peek(1)[:1] if hasattr(fh, "peek") else b""
    except _GZIP_ERRORS as exc:
        yield RawDocument.rejected(rel, source, _gzip_reason(exc))
        return
    except OSError as exc:
        yield RawDocument.rejected(rel, source, f"unreadable file: {exc.strerror or exc}")
        return
    with fh:
        if first == b"[":
            # A .json file holding one array of objects rather than one object per line.
            yield from _read_json_array(fh, path, rel, limit)
            return
        number = 0
        try:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                doc_id = f"{rel}#{number}"
                try:
                    obj = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    yield RawDocument.rejected(doc_id, source, f"line {number} is not valid JSON ({exc.__class__.__name__})")
                    continue
                if not isinstance(obj, dict):
                    yield RawDocument.rejected(doc_id, source, f"line {number} is not a JSON object")
                    continue
                yield _record_document(obj, f"{rel}#{_record_key(obj, number)}", source, limit)
        except _GZIP_ERRORS as exc:
            yield RawDocument.rejected(f"{rel}#{number + 1}", source, _gzip_reason(exc) + f"; records after line {number} lost")


def _read_json_array(fh, path: Path, rel: str, limit: int) -> Iterator[RawDocument]:
    source = str(path)
    try:
        data = json.loads(fh.read())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield RawDocument.rejected(rel, source, f"not valid JSON ({exc})")
        return
    except _GZIP_ERRORS as exc:
        yield RawDocument.rejected(rel, source, _gzip_reason(exc))
        return
    for number, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            yield RawDocument.rejected(f"{rel}#{number}", source, f"item {number} is not a JSON object")
            continue
        yield _record_document(obj, f"{rel}#{_record_key(obj, number)}", source, limit)


def read_parquet(path: Path, rel: str, gz: bool, limit: int) -> Iterator[RawDocument]:
    import pyarrow.parquet as pq

    source = str(path)
    try:
        if gz:
            with gzip.open(path, "rb") as fh:
                pf = pq.ParquetFile(io.BytesIO(fh.read()))
        else:
            pf = pq.ParquetFile(path)
    except _GZIP_ERRORS as exc:
        yield RawDocument.rejected(rel, source, _gzip_reason(exc))
        return
    except Exception as exc:  # pyarrow raises several types for corrupt files
        yield RawDocument.rejected(rel, source, f"unreadable Parquet file ({exc.__class__.__name__}: {exc})")
        return
    names = set(pf.schema_arrow.names)
    if not names & {"text", "html"}:
        listed = ", ".join(sorted(names)) or "none"
        yield RawDocument.rejected(rel, source, f"Parquet file has no 'text' or 'html' column (columns: {listed})")
        return
    columns = [c for c in ("id", "text", "html", "url", "date", "title") if c in names]
    number = 0
    try:
        for batch in pf.iter_batches(batch_size=1024, columns=columns):
            for row in batch.to_pylist():
                number += 1
                yield _record_document(row, f"{rel}#{_record_key(row, number)}", source, limit)
    except Exception as exc:
        yield RawDocument.rejected(f"{rel}#{number + 1}", source, f"Parquet file broken after row {number} ({exc})")


def read_warc(path: Path, rel: str, gz: bool, limit: int) -> Iterator[RawDocument]:
    """HTTP response records with an HTML payload; warcio handles per-record gzip itself."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    source = str(path)
    number = 0
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, arc2warc=True):
                if record.rec_type not in ("response", "revisit", "resource"):
                    continue  # warcinfo/request/metadata records are not documents
                number += 1
                uri = record.rec_headers.get_header("WARC-Target-URI") or str(number)
                doc_id = f"{rel}#{uri}"
                if record.rec_type == "revisit":
                    yield RawDocument.rejected(doc_id, source, "WARC revisit record (payload not stored)")
                    continue
                ctype = ""
                if record.http_headers is not None:
                    ctype = record.http_headers.get_header("Content-Type") or ""
                else:
                    ctype = record.rec_headers.get_header("Content-Type") or ""
                if "html" not in ctype.lower():
                    yield RawDocument.rejected(doc_id, source, f"not an HTML response ({ctype.split(';')[0] or 'no content type'})")
                    continue
                payload = record.content_stream().read(limit + 1)
                if len(payload) > limit:
                    yield _too_large(doc_id, source, limit)
                    continue
                if not payload.strip():
                    yield RawDocument.rejected(doc_id, source, "empty HTTP response body")
                    continue
                charset = None
                m = re.search(r"charset=([\w.:-]+)", ctype, re.I)
                if m:
                    charset = m.group(1)
                try:
                    text = decode_bytes(payload, declared=charset, is_html=True)
                except DecodeError as exc:
                    yield RawDocument.rejected(doc_id, source, str(exc))
                    continue
                yield RawDocument(doc_id=doc_id, source=source, kind="html", content=text, url=uri)
    except (ArchiveLoadFailed, *_GZIP_ERRORS, ValueError, OSError, AttributeError, TypeError) as exc:
        # warcio raises AttributeError/TypeError on records with missing headers, not only ArchiveLoadFailed
        yield RawDocument.rejected(
            f"{rel}#record-{number + 1}", source,
            f"broken WARC record after {number} good record(s): {(str(exc).splitlines() or [exc.__class__.__name__])[0][:200]}",
        )
