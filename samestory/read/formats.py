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
from .fields import FALLBACKS, HTML_KEYS, FieldKeys
from .rows import record_document
from .saved_dataset import SavedDatasetError, iter_saved_dataset
from .warc_records import warc_record_document

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}
PARQUET_SUFFIXES = {".parquet"}
WARC_SUFFIXES = {".warc", ".arc", ".wet"}  # .warc.wet.gz: Common Crawl's extracted text

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


def read_jsonl(path: Path, rel: str, gz: bool, limit: int, keys: FieldKeys = FieldKeys()) -> Iterator[RawDocument]:
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
            yield from _read_json_array(fh, path, rel, limit, keys)
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
                yield record_document(obj, rel, number, source, limit, keys)
        except _GZIP_ERRORS as exc:
            yield RawDocument.rejected(f"{rel}#{number + 1}", source, _gzip_reason(exc) + f"; records after line {number} lost")


def _read_json_array(fh, path: Path, rel: str, limit: int, keys: FieldKeys) -> Iterator[RawDocument]:
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
        yield record_document(obj, rel, number, source, limit, keys)


def read_parquet(path: Path, rel: str, gz: bool, limit: int, keys: FieldKeys = FieldKeys()) -> Iterator[RawDocument]:
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
    wanted = (keys.text,) if keys.text else FALLBACKS["text"] + HTML_KEYS
    if not any(key in names or key.split(".")[0] in names for key in wanted):
        listed = ", ".join(sorted(names)) or "none"
        if keys.text:
            reason = f"Parquet file has no '{keys.text}' column (columns: {listed})"
        else:
            tried = ", ".join(f"'{k}'" for k in wanted)
            reason = f"Parquet file has no text column (tried {tried}; columns: {listed}; name it with --text-key)"
        yield RawDocument.rejected(rel, source, reason)
        return
    number = 0
    try:
        for batch in pf.iter_batches(batch_size=1024):  # every column: the others become metadata
            for row in batch.to_pylist():
                number += 1
                yield record_document(row, rel, number, source, limit, keys)
    except Exception as exc:
        yield RawDocument.rejected(f"{rel}#{number + 1}", source, f"Parquet file broken after row {number} ({exc})")


def read_warc(path: Path, rel: str, gz: bool, limit: int) -> Iterator[RawDocument]:
    """Documents of a WARC or WET file (see warc_records.py); warcio handles per-record gzip."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    source = str(path)
    number = 0
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, arc2warc=True):
                doc = warc_record_document(record, rel, number + 1, source, limit)
                if doc is None:
                    continue  # warcinfo/request/metadata records are not documents
                number += 1
                yield doc
    except (ArchiveLoadFailed, *_GZIP_ERRORS, ValueError, OSError, AttributeError, TypeError) as exc:
        # warcio raises AttributeError/TypeError on records with missing headers, not only ArchiveLoadFailed
        yield RawDocument.rejected(
            f"{rel}#record-{number + 1}", source,
            f"broken WARC record after {number} good record(s): {(str(exc).splitlines() or [exc.__class__.__name__])[0][:200]}",
        )


def read_saved_dataset(folder: Path, rel: str, limit: int, keys: FieldKeys = FieldKeys()) -> Iterator[RawDocument]:
    """A `datasets` save_to_disk folder (see saved_dataset.py): rows as records, `rel[/split]#id`."""
    source = str(folder)
    number = 0
    try:
        for split, number, row in iter_saved_dataset(folder):
            yield record_document(row, f"{rel}/{split}" if split else rel, number, source, limit, keys)
    except SavedDatasetError as exc:
        yield RawDocument.rejected(f"{rel}#{number + 1}", source, f"saved dataset: {exc}")
