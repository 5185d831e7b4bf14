"""WARC files: records framed here, each record parsed by warcio.

warcio alone trusts each record's Content-Length and reads header lines without bound: a record
that claims 10^12 bytes swallows every later record, a record cut mid-payload passes as
complete, and a gzip bomb is decompressed whole. So the framing is done here, by hand because
warcio has no hook for it: a bounded header, the Content-Length checked against what the file
holds (a truncated record is rejected and reading resumes at the next `WARC/1.x` line inside
it), and only blocks within `max_document_bytes` kept. Each complete record is then handed to
warcio, which parses the HTTP headers and undoes chunked and content encodings.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..records import RawDocument
from .limits import CHUNK, GZIP_ERRORS, BudgetExceeded, gzip_reason, open_bounded
from .warc_records import DOCUMENT_RECORD_TYPES, warc_record_document

#: A WARC header block (the WARC/1.x line and its fields) longer than this is not a header.
MAX_HEADER_BYTES = 1 << 16
#: HTTP status line and headers in front of a response payload.
HTTP_HEADROOM = 1 << 16
#: Times one file may rewind to find the next record after a truncated one (each costs a re-read).
MAX_RESYNCS = 10
DOCUMENT_TYPES = DOCUMENT_RECORD_TYPES  # response, resource, revisit, and WET's conversion
_RECORD_START = re.compile(rb"\nWARC/1\.[01]\r?\n")


@dataclass
class _Frame:
    """One WARC record as framed: its header, and its block when kept; `start` is where its
    header line begins in the (decompressed) stream."""

    number: int
    header: bytes = b""
    fields: dict[str, str] = field(default_factory=dict)
    block: bytes | None = None
    error: str | None = None
    start: int = 0

    @property
    def rec_type(self) -> str:
        return self.fields.get("warc-type", "").lower()


def read_warc(path: Path, rel: str, gz: bool, limit: int) -> Iterator[RawDocument]:
    """2xx HTML responses and WET conversion records; one row per document-type record."""
    if path.suffix.lower() == ".arc" or path.name.lower().endswith(".arc.gz"):
        yield from _read_arc(path, rel, gz, limit)
        return
    yield from warc_documents(lambda: open_bounded(path, gz, limit), rel, str(path), limit)


def warc_documents(open_stream, rel: str, source: str, limit: int, number: int = 0, count: int | None = None,
                   whole_file: bool = True) -> Iterator[RawDocument]:
    """The documents of the records in `open_stream()`: all of them, or `count` records (a part
    of a file; `number` records come before it). Only a whole file ends with a "no records" row."""
    seen = documents = 0
    try:
        with open_stream() as fh:
            for frame in _frames(fh, limit + HTTP_HEADROOM, number, count):
                seen += 1
                number = frame.number
                if frame.error is None and frame.rec_type not in DOCUMENT_TYPES:
                    continue  # warcinfo/request/metadata records are not documents
                documents += 1
                yield _frame_document(frame, rel, source, limit)
    except BudgetExceeded as exc:
        yield RawDocument.rejected(f"{rel}#record-{number + 1}", source, exc.reason)
        return
    except GZIP_ERRORS as exc:
        yield RawDocument.rejected(f"{rel}#record-{number + 1}", source, gzip_reason(exc) + "; later records lost")
        return
    except OSError as exc:
        yield RawDocument.rejected(f"{rel}#record-{number + 1}", source, f"unreadable file: {exc.strerror or exc}")
        return
    if whole_file and not documents:
        yield RawDocument.rejected(rel, source, f"no records: {seen} WARC record(s), none a response, resource or conversion")


def _frames(fh, keep: int | None, number: int = 0, count: int | None = None) -> Iterator[_Frame]:
    """Records in file order; a record that cannot be framed comes with `error` set.

    `number`: records before this stream's first (a part of a file); `count`: stop after that
    many; `keep` None: frame only (no block kept, no size check), as the planner's scan does."""
    resyncs = 0
    last = None if count is None else number + count
    while last is None or number < last:
        line, start = _next_nonblank_line(fh)
        if not line:
            return
        number += 1
        if not line.startswith(b"WARC/"):
            if number == 1:
                yield _Frame(number, error="broken WARC record: not a WARC file (does not start with a WARC/1.x line)")
                return
            yield _Frame(number, error="broken WARC record: no WARC header where a record should start", start=start)
            if resyncs >= MAX_RESYNCS or not _resync(fh, fh.tell() - 1):
                return
            resyncs += 1
            continue
        frame = _read_header(fh, number, line)
        frame.start = start
        if frame.error:
            yield frame
            if resyncs >= MAX_RESYNCS or not _resync(fh, fh.tell() - 1):
                return
            resyncs += 1
            continue
        length = int(frame.fields["content-length"])
        block_start = fh.tell()
        wanted = keep is not None and frame.rec_type in DOCUMENT_TYPES and length <= keep
        frame.block, got = _read_block(fh, length, wanted)
        if got < length:
            frame.error = (
                f"broken WARC record: truncated (Content-Length says {length:,} bytes, the file holds {got:,})"
            )
            frame.block = None
            yield frame
            if resyncs >= MAX_RESYNCS or not _resync(fh, block_start - 1):
                return
            resyncs += 1
            continue
        if keep is not None and frame.rec_type in DOCUMENT_TYPES and not wanted:
            frame.error = f"document too large: WARC record of {length / 1e6:.1f} MB (max_document_bytes)"
        yield frame


def _next_nonblank_line(fh) -> tuple[bytes, int]:
    """The next line that is not blank, and where it starts."""
    while True:
        start = fh.tell()
        line = fh.readline(MAX_HEADER_BYTES)
        if not line or line.strip():
            return line, start


def _read_header(fh, number: int, first: bytes) -> _Frame:
    lines = [first]
    size = len(first)
    while True:
        line = fh.readline(MAX_HEADER_BYTES)
        lines.append(line)
        size += len(line)
        if not line.strip():
            break
        if size > MAX_HEADER_BYTES:
            return _Frame(number, error="broken WARC record: header too long")
    frame = _Frame(number, header=b"".join(lines))
    if not line:
        frame.error = "broken WARC record: truncated header (file ends)"
        return frame
    for raw in lines[1:]:
        name, sep, value = raw.decode("utf-8", "replace").partition(":")
        if sep:
            frame.fields[name.strip().lower()] = value.strip()
    length = frame.fields.get("content-length", "")
    if not length.isascii() or not length.isdigit() or len(length) > 18:  # 10^18 bytes: not a real record
        frame.error = f"broken WARC record: no valid Content-Length ({length[:40]!r})"
    return frame


def _read_block(fh, length: int, keep: bool) -> tuple[bytes | None, int]:
    """(the block when `keep`, bytes actually present); never holds a block that is not kept."""
    if keep:
        block = fh.read(length)
        return block, len(block)
    got = 0
    while got < length:
        piece = fh.read(min(CHUNK, length - got))
        if not piece:
            break
        got += len(piece)
    return None, got


def _resync(fh, start: int) -> bool:
    """Move to the next `WARC/1.x` line after `start` (inside a truncated record); False if none."""
    start = max(start, 0)
    fh.seek(start)
    offset, tail = start, b""
    while True:
        piece = fh.read(CHUNK)
        if not piece:
            return False
        data = tail + piece
        match = _RECORD_START.search(data)
        if match:
            fh.seek(offset - len(tail) + match.start() + 1)
            return True
        tail = data[-16:]
        offset += len(piece)


def _frame_document(frame: _Frame, rel: str, source: str, limit: int) -> RawDocument:
    uri = frame.fields.get("warc-target-uri")
    doc_id = f"{rel}#{uri}" if uri else f"{rel}#record-{frame.number}"
    if frame.error:
        return RawDocument.rejected(doc_id, source, frame.error)
    if frame.rec_type == "revisit":
        return RawDocument.rejected(doc_id, source, "WARC revisit record (payload not stored)")
    from warcio.archiveiterator import ArchiveIterator

    try:
        record = next(iter(ArchiveIterator(io.BytesIO(frame.header + frame.block + b"\r\n\r\n"))))
        return warc_record_document(record, doc_id, source, limit)
    except Exception as exc:  # warcio raises many types for malformed HTTP inside a record
        first = (str(exc).splitlines() or [exc.__class__.__name__])[0][:200]
        return RawDocument.rejected(doc_id, source, f"broken WARC record: unparsable ({first})")


def _read_arc(path: Path, rel: str, gz: bool, limit: int) -> Iterator[RawDocument]:
    """Old ARC files: warcio converts each record; the stream is still bounded by the budget."""
    from warcio.archiveiterator import ArchiveIterator

    source = str(path)
    number = 0
    try:
        with open_bounded(path, gz, limit) as fh:
            for record in ArchiveIterator(fh, arc2warc=True):
                if record.rec_type not in DOCUMENT_TYPES:
                    continue
                number += 1
                uri = record.rec_headers.get_header("WARC-Target-URI")
                doc_id = f"{rel}#{uri}" if uri else f"{rel}#record-{number}"
                document = warc_record_document(record, doc_id, source, limit)
                if document is None:
                    continue
                if document.kind == "html" and getattr(record.raw_stream, "limit", 0) > 0:
                    # the payload was read to its end, yet the record's length is not used up
                    document = RawDocument.rejected(doc_id, source, "broken ARC record: truncated (file ends)")
                yield document
    except BudgetExceeded as exc:
        yield RawDocument.rejected(f"{rel}#record-{number + 1}", source, exc.reason)
    except Exception as exc:  # warcio raises many types for broken ARC records
        first = (str(exc).splitlines() or [exc.__class__.__name__])[0][:200]
        yield RawDocument.rejected(f"{rel}#record-{number + 1}", source, f"broken ARC record after {number} good record(s): {first}")
        return
    if not number:
        yield RawDocument.rejected(rel, source, "no records: no response records in the ARC file")
