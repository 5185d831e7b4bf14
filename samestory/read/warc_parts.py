"""WARC and WET files read in parts, by record offsets, with the ids one reader of the whole file gives.

A part is a byte range [start, end) of the file as stored. Its records are those that start in
it; where exactly they start is found by a worker, in two steps:

1. **scan** (`scan_warc_part`, one per part, in workers): the part's first record start is
   guessed from the bytes (`find_record_start`): in a plain file the first `WARC/1.x` line at
   or after `start`; in a gzipped file the first gzip member at or after `start` whose text
   begins with `WARC/` (Common Crawl and warcio write one member per record, so a record start
   is a member start). From there the records are framed, blocks skipped, up to the first
   record that starts at or after `end` (the *handoff*, in the same units). The scan reports
   its first start, the handoff, how many records it framed, how many are documents, how many
   bytes it decompressed, and whether anything was odd (a broken record, a gzip error, members
   not back to back, over the file's gzip budget).
2. **numbering** (`tasks.number_read_tasks`, in the driver): the parts agree when each
   handoff is the next part's first start. Then every part knows how many records come before
   it (their sum), and a read task frames exactly its own records. When they do not agree, or
   a scan saw anything odd, or the file holds no document record, or its decompressed size
   comes near its gzip budget, the file is read whole by `warc.read_warc` as before: the
   rules for broken files (resynchronising inside a truncated record, the budget, "no
   records") span the whole file, and they stay exactly as they were.

So a guess (a `WARC/1.0` line inside a page, a gzip header inside compressed data) can cost a
scan, never a wrong id.
"""

from __future__ import annotations

import collections
import gzip
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..records import RawDocument
from .limits import CHUNK, GZIP_ERRORS, GZIP_MAX_RATIO, BudgetExceeded, bounded_reader, file_budget
from .warc import DOCUMENT_TYPES, _frames, warc_documents

__all__ = ["GzipMembers", "WarcScan", "find_record_start", "read_warc_part", "scan_warc_part"]

_GZIP_MAGIC = b"\x1f\x8b\x08"
_RECORD_LINE = re.compile(rb"\nWARC/1\.[01]\r?\n")
#: Compressed bytes tried from a candidate gzip header: enough for the first bytes of its text.
_PROBE_BYTES = 1 << 12


class GzipMembers(io.RawIOBase):
    """The decompressed bytes of a gzip file from the member that starts at `start`, member
    after member, remembering where each member starts (decompressed position → file offset).

    Stricter than `gzip.GzipFile`: members must follow each other directly (GzipFile also
    skips zero padding); anything else raises BadGzipFile, and the file is read whole."""

    def __init__(self, path: Path, start: int):
        self._file = open(path, "rb", buffering=0)
        self._file.seek(start)
        self._read_to = start  # file offset after the compressed bytes read so far
        self._member = zlib.decompressobj(31)
        self._input = b""  # compressed bytes read but not yet consumed by the decompressor
        self._position = 0  # decompressed bytes delivered
        self._ended = False
        #: (decompressed position, file offset) of member starts not yet looked up, oldest first
        self.starts: collections.deque[tuple[int, int]] = collections.deque([(0, start)])

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def member_at(self, position: int) -> int | None:
        """The file offset of the member that starts at decompressed `position`, if one does;
        positions must be asked in increasing order (earlier starts are forgotten)."""
        while self.starts and self.starts[0][0] < position:
            self.starts.popleft()
        if self.starts and self.starts[0][0] == position:
            return self.starts[0][1]
        return None

    def _read(self) -> bytes:
        piece = self._file.read(CHUNK)
        self._read_to += len(piece)
        return piece

    def readinto(self, buffer) -> int:
        while not self._ended:
            if self._member.eof:
                # everything after the member; `unconsumed_tail` may still hold a stale copy of
                # the same bytes when the output limit and the member's end coincide (CPython 3.11)
                rest = self._member.unused_data
                member_end = self._read_to - len(rest)
                while len(rest) < 3:  # the next member's header, or the end of the file
                    piece = self._read()
                    if not piece:
                        break
                    rest += piece
                if not rest:
                    self._ended = True
                    return 0
                if not rest.startswith(_GZIP_MAGIC):
                    raise gzip.BadGzipFile("bytes that are not a gzip member after a member")
                self._member = zlib.decompressobj(31)
                self._input = rest
                self.starts.append((self._position, member_end))
            data = self._input or self._read()
            if not data:
                raise EOFError("Compressed file ended before the end-of-stream marker was reached")
            out = self._member.decompress(data, len(buffer))
            self._input = self._member.unconsumed_tail
            if out:
                buffer[: len(out)] = out
                self._position += len(out)
                return len(out)
        return 0

    def close(self) -> None:
        self._file.close()
        super().close()


def _gzip_record_at(data: bytes) -> bool:
    """Does a gzip member start at the head of `data`, and its text with `WARC/`?"""
    try:
        return zlib.decompressobj(31).decompress(data, 5) == b"WARC/"
    except zlib.error:
        return False


def find_record_start(path: Path, gz: bool, start: int, end: int) -> int | None:
    """The first offset in [start, end) where a record looks like it starts (see the module
    docstring), or None. Reads only that range, plus a few bytes to test a candidate."""
    if start == 0:
        return 0
    with open(path, "rb", buffering=0) as fh:
        if gz:
            fh.seek(start)
            offset, data = start, b""
            while offset < end:
                piece = fh.read(CHUNK)
                if not piece:
                    return None
                data += piece
                at = 0
                while True:
                    at = data.find(_GZIP_MAGIC, at)
                    if at < 0 or offset + at >= end:
                        break
                    probe = data[at:at + _PROBE_BYTES]
                    if len(probe) < _PROBE_BYTES:  # the candidate's bytes run past what was read
                        fh.seek(offset + at)
                        probe = fh.read(_PROBE_BYTES)
                        fh.seek(offset + len(data))
                    if _gzip_record_at(probe):
                        return offset + at
                    at += 1
                keep = len(_GZIP_MAGIC) - 1  # a header may straddle two reads
                offset += len(data) - keep
                data = data[-keep:]
            return None
        fh.seek(start - 1)
        offset, data = start - 1, b""
        while offset < end:
            piece = fh.read(CHUNK)
            if not piece:
                return None
            data += piece
            match = _RECORD_LINE.search(data)
            if match:
                found = offset + match.start() + 1
                return found if found < end else None
            keep = 16  # a record line may straddle two reads
            offset += len(data) - keep
            data = data[-keep:]
        return None


@dataclass(frozen=True)
class WarcScan:
    """What the scan of one part found (see the module docstring)."""

    begin: int | None  # the part's first record start (None: none starts in the part)
    handoff: int | None = None  # first record start at or after the part's end (None: the file ended)
    records: int = 0  # records from begin up to the handoff
    documents: int = 0  # of which response, resource, revisit or conversion records
    decompressed: int = 0  # bytes from begin up to the handoff, decompressed
    odd: str | None = None  # why this file is read whole (None: nothing odd)


def _open_part(path: Path, gz: bool, begin: int, budget: int | None, ratio: int = GZIP_MAX_RATIO):
    """A buffered reader of the file's (decompressed) bytes from `begin`; for gzip also the
    member stream, which knows where members start."""
    if gz:
        members = GzipMembers(path, begin)
        return bounded_reader(members, budget, ratio), members
    raw = open(path, "rb", buffering=0)
    raw.seek(begin)
    return bounded_reader(raw, budget, ratio), None


def scan_warc_part(path: Path, gz: bool, start: int, end: int, limit: int) -> WarcScan:
    """Frame the records of one part without keeping them (see the module docstring)."""
    try:
        begin = find_record_start(path, gz, start, end)
    except OSError as exc:
        return WarcScan(None, odd=f"unreadable: {exc}")
    if begin is None:
        return WarcScan(None)
    budget = file_budget(path, gz, limit)  # each scan stays within the budget of the whole file
    records = documents = 0
    handoff = None
    position = 0
    try:
        fh, members = _open_part(path, gz, begin, budget)
        with fh:
            for frame in _frames(fh, None):
                offset = members.member_at(frame.start) if members is not None else frame.start
                if offset is not None and offset >= end:
                    handoff, position = offset, frame.start
                    break
                if frame.error:
                    return WarcScan(begin, odd=frame.error)
                records += 1
                documents += frame.rec_type in DOCUMENT_TYPES
            else:
                position = fh.tell()
    except (BudgetExceeded, *GZIP_ERRORS, OSError) as exc:
        return WarcScan(begin, odd=f"{exc.__class__.__name__}: {exc}")
    decompressed = position - begin if members is None else position  # a plain stream counts from the file's start
    return WarcScan(begin, handoff, records, documents, decompressed)


def read_warc_part(path: Path, rel: str, gz: bool, limit: int, begin: int, records_before: int,
                   records: int | None) -> Iterator[RawDocument]:
    """The documents of `records` records (None: to the end of the file) from `begin`, a record
    start the scans agreed on, numbered after `records_before`. The file was found within its
    gzip budget by the scans, so no budget applies here."""
    yield from warc_documents(lambda: _open_part(path, gz, begin, None)[0], rel, str(path), limit,
                              number=records_before, count=records, whole_file=False)
