"""One reader per input format. Each yields RawDocument records, never raises for bad data.

A reader that meets bad input yields a `rejected` record with a reason and goes on
(or stops that file, when the format cannot resynchronise: truncated gzip, broken WARC).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from ..records import RawDocument
from .decode import DecodeError, decode_bytes, looks_binary
from .fields import FALLBACKS, HTML_KEYS, FieldKeys
from .jsonstream import Boundary, iter_json_values
from .limits import (
    CHUNK, GZIP_ERRORS, GZIP_MAX_RATIO, GZIP_MIN_BUDGET_DOCUMENTS, PARQUET_GZIP_MAX_RATIO, BudgetExceeded, gzip_reason,
    open_bounded,
)
from .rows import record_document
from .saved_dataset import SavedDatasetError, iter_saved_dataset
from .warc import read_warc

__all__ = [
    "format_of", "looks_like_html", "read_single", "read_jsonl", "read_jsonl_part", "read_parquet",
    "read_parquet_groups", "read_saved_dataset", "read_warc",
]

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
    if "<" not in head:  # most plain texts: no tag possible, and `in` is far cheaper than the regex
        return False
    return (head.lstrip().startswith("<") and "</" in head) or len(_TAG.findall(head)) >= 3


def _read_limited(path: Path, gz: bool, limit: int) -> bytes:
    """Read at most limit+1 bytes (decompressed), so an enormous file is never loaded whole."""
    with open_bounded(path, gz, limit) as fh:
        return fh.read(limit + 1)


def _too_large(doc_id: str, source: str, limit: int) -> RawDocument:
    return RawDocument.rejected(
        doc_id, source, f"document too large: over {limit / 1e6:.1f} MB (max_document_bytes)"
    )


def read_single(path: Path, doc_id: str, fmt: str, gz: bool, limit: int) -> Iterator[RawDocument]:
    """An HTML, text or unknown-typed file: one document."""
    source = str(path)
    try:
        data = _read_limited(path, gz, limit)
    except GZIP_ERRORS as exc:
        yield RawDocument.rejected(doc_id, source, gzip_reason(exc))
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


_JSON_TYPE = {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}


def read_jsonl(path: Path, rel: str, gz: bool, limit: int, keys: FieldKeys = FieldKeys()) -> Iterator[RawDocument]:
    """JSON Lines, a JSON array, a pretty-printed object, or several of them in one file.

    Records are keyed by `id`, else by line number; items of an array that opens the file by
    their position (as in 0.1), items of a later array by `line.position`.
    """
    source = str(path)
    count = 0
    last_line = 0
    try:
        with open_bounded(path, gz, limit) as fh:
            for item in iter_json_values(fh, limit):
                count += 1
                last_line = item.line
                yield _json_item_document(item, rel, source, limit, keys)
                if item.final:
                    return
    except BudgetExceeded as exc:
        yield RawDocument.rejected(f"{rel}#{last_line + 1}", source, exc.reason)
        return
    except GZIP_ERRORS as exc:
        yield RawDocument.rejected(f"{rel}#{last_line + 1}", source, gzip_reason(exc) + f"; records after line {last_line} lost")
        return
    except OSError as exc:
        yield RawDocument.rejected(rel if not count else f"{rel}#{last_line + 1}", source, f"unreadable file: {exc.strerror or exc}")
        return
    if not count:
        yield RawDocument.rejected(rel, source, "no records: the file holds no JSON value")


def line_start(fh, offset: int, newlines_before: int) -> tuple[int, int] | None:
    """(byte offset, line number) of the first line that starts at or after `offset` of a plain
    file, given the newlines in front of `offset`; None when no line starts there (the file
    ends first). Reads the byte before `offset` and, mid-line, up to the next newline."""
    if offset == 0:
        return 0, 1
    fh.seek(offset - 1)
    if fh.read(1) == b"\n":
        return offset, newlines_before + 1
    position = offset
    while True:
        piece = fh.read(CHUNK)
        if not piece:
            return None
        found = piece.find(b"\n")
        if found >= 0:
            return position + found + 1, newlines_before + 2
        position += len(piece)


def count_newlines(path: Path, start: int, end: int) -> int:
    """Newline bytes in [start, end) of a plain file (what gives the later parts their line numbers)."""
    count = 0
    with open(path, "rb", buffering=0) as fh:
        fh.seek(start)
        left = end - start
        while left > 0:
            piece = fh.read(min(1 << 20, left))
            if not piece:
                break
            count += piece.count(b"\n")
            left -= len(piece)
    return count


def read_jsonl_part(path: Path, rel: str, limit: int, keys: FieldKeys, start: int, end: int | None,
                    newlines_before_start: int, newlines_before_end: int | None,
                    boundary_seen: list | None = None) -> Iterator[RawDocument]:
    """The records of one part of a plain JSON Lines file: the values that start on a line
    beginning in [start, end) (a part cut mid-line starts at the next line; the part before
    finishes that line), numbered as `read_jsonl` numbers them in the whole file.

    The part ends where the next one begins; when the parser is not back at the top level
    there (a value or a skipped broken region runs past it, see jsonstream.Boundary), it
    reads on to the end of the file and appends its Boundary, `reads_to_end` set, to
    `boundary_seen`: the later parts of the file are void.
    """
    source = str(path)
    count = 0
    last_line = newlines_before_start  # the line before this part's first, near enough for an I/O error's row
    try:
        with open(path, "rb", buffering=0) as raw:
            begin = line_start(raw, start, newlines_before_start)
            if begin is None:
                return  # no line starts in this part (one line runs past it): nothing is its own
            boundary = None
            if end is not None:
                stop = line_start(raw, end, newlines_before_end)
                if stop is not None:  # else no later part holds a line: this one reads to the end
                    boundary = Boundary(stop[1])
            if boundary_seen is not None and boundary is not None:
                boundary_seen.append(boundary)
            raw.seek(begin[0])
            last_line = begin[1] - 1
            fh = io.BufferedReader(raw, buffer_size=CHUNK)
            for item in iter_json_values(fh, limit, first_line=begin[1], boundary=boundary):
                count += 1
                last_line = item.line
                yield _json_item_document(item, rel, source, limit, keys)
                if item.final:
                    return
    except OSError as exc:
        yield RawDocument.rejected(f"{rel}#{last_line + 1}" if count or start else rel, source,
                                   f"unreadable file: {exc.strerror or exc}")


def _json_item_document(item, rel: str, source: str, limit: int, keys: FieldKeys) -> RawDocument:
    if item.index is None:
        number, where = item.line, f"line {item.line}"
    else:
        number = item.index if item.line == 1 else f"{item.line}.{item.index}"
        where = f"item {item.index} of the JSON array at line {item.line}"
    if item.error:
        return RawDocument.rejected(f"{rel}#{number}", source, item.error)
    if not isinstance(item.value, dict):
        kind = _JSON_TYPE.get(type(item.value), "a string" if isinstance(item.value, str) else "null")
        return RawDocument.rejected(f"{rel}#{number}", source, f"{where} is not a JSON object (it is {kind})")
    return record_document(item.value, rel, number, source, limit, keys)


def read_parquet(path: Path, rel: str, gz: bool, limit: int, keys: FieldKeys = FieldKeys()) -> Iterator[RawDocument]:
    """Rows of a Parquet file, one row group at a time: a broken row group costs only its rows."""
    import pyarrow.parquet as pq

    source = str(path)
    with tempfile.TemporaryFile(prefix="samestory-") as spool:
        try:
            if gz:  # Parquet needs random access: decompress to a temporary file, within budget
                with open_bounded(path, gz, limit, PARQUET_GZIP_MAX_RATIO) as fh:
                    shutil.copyfileobj(fh, spool)
                spool.seek(0)
            pf = pq.ParquetFile(spool if gz else path)
        except BudgetExceeded as exc:
            yield RawDocument.rejected(rel, source, exc.reason)
            return
        except GZIP_ERRORS as exc:
            yield RawDocument.rejected(rel, source, gzip_reason(exc))
            return
        except Exception as exc:  # pyarrow raises several types for corrupt files
            yield RawDocument.rejected(rel, source, f"unreadable Parquet file ({exc.__class__.__name__}: {exc})")
            return
        names = list(pf.schema_arrow.names)
        problem = _no_text_column(set(names), keys)
        if problem:
            yield RawDocument.rejected(rel, source, problem)
            return
        if pf.metadata.num_rows == 0:
            yield RawDocument.rejected(rel, source, "no records: the Parquet file has 0 rows")
            return
        yield from _parquet_rows(pf, names, rel, source, limit, keys)  # every column: the others become metadata


def _no_text_column(names: set[str], keys: FieldKeys) -> str | None:
    """Why a Parquet file cannot hold documents (no candidate text column), or None."""
    wanted = (keys.text,) if keys.text else FALLBACKS["text"] + HTML_KEYS
    if any(key in names or key.split(".")[0] in names for key in wanted):
        return None
    listed = ", ".join(sorted(names)) or "none"
    if keys.text:
        return f"Parquet file has no '{keys.text}' column (columns: {listed})"
    tried = ", ".join(f"'{k}'" for k in wanted)
    return f"Parquet file has no text column (tried {tried}; columns: {listed}; name it with --text-key)"


def _row_group_bomb(group, columns: list[str], limit: int) -> str | None:
    """Why a row group is not decompressed at all (None when it may be): Arrow unpacks a whole
    page at once, so a 2 KB file can claim 50 MB of one text; the budget of gzip files applies."""
    wanted = set(columns)  # top-level names; a nested leaf's path starts with its column's name
    chunks = [group.column(i) for i in range(group.num_columns) if group.column(i).path_in_schema.split(".")[0] in wanted]
    packed = sum(c.total_compressed_size for c in chunks)
    unpacked = sum(c.total_uncompressed_size for c in chunks)
    if unpacked > max(GZIP_MAX_RATIO * packed, GZIP_MIN_BUDGET_DOCUMENTS * limit):
        return f"its columns expand {unpacked / max(packed, 1):,.0f}x to {unpacked / 1e6:,.1f} MB (likely a compression bomb)"
    return None


def read_parquet_groups(path: Path, rel: str, limit: int, keys: FieldKeys, first_group: int, end_group: int,
                        rows_before: int) -> Iterator[RawDocument]:
    """Row groups [first_group, end_group) of a plain Parquet file whose whole-file checks (it
    opens, has a text column, has rows) the planner made; rows numbered as in the whole file."""
    import pyarrow.parquet as pq

    source = str(path)
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files (or one changed since the plan)
        yield RawDocument.rejected(f"{rel}#{rows_before + 1}", source,
                                   f"unreadable Parquet file ({exc.__class__.__name__}: {exc})")
        return
    yield from _parquet_rows(pf, list(pf.schema_arrow.names), rel, source, limit, keys,
                             range(first_group, end_group), rows_before)


def _parquet_rows(pf, columns: list[str], rel: str, source: str, limit: int, keys: FieldKeys,
                  groups: range | None = None, first: int = 0) -> Iterator[RawDocument]:
    """Rows of the row groups `groups` (all by default); `first`: rows before the first of them."""
    meta = pf.metadata  # row number (1-based) of a group's first row is first + 1
    for group in range(meta.num_row_groups) if groups is None else groups:
        rows = meta.row_group(group).num_rows
        bomb = _row_group_bomb(meta.row_group(group), columns, limit)
        if bomb:
            span = f"rows {first + 1}-{first + rows}" if rows > 1 else f"row {first + 1}"
            yield RawDocument.rejected(f"{rel}#{first + 1}", source, f"Parquet row group {group + 1} ({span}) not read: {bomb}")
            first += rows
            continue
        # batches sized so that one batch holds about one document's worth of bytes at most
        per_row = meta.row_group(group).total_byte_size / max(rows, 1)
        batch_size = int(max(1, min(1024, limit // max(per_row, 1))))
        number = first
        try:
            for batch in pf.iter_batches(batch_size=batch_size, row_groups=[group], columns=columns):
                for row in batch.to_pylist():
                    number += 1
                    yield record_document(row, rel, number, source, limit, keys)
        except Exception as exc:  # pyarrow raises several types for a corrupt row group
            span = f"rows {number + 1}-{first + rows}" if number + 1 < first + rows else f"row {first + rows}"
            message = (str(exc).splitlines() or [exc.__class__.__name__])[0][:200]
            yield RawDocument.rejected(
                f"{rel}#{number + 1}", source, f"unreadable Parquet row group {group + 1} ({span} lost): {message}"
            )
        first += rows


def read_saved_dataset(folder: Path, rel: str, limit: int, keys: FieldKeys = FieldKeys()) -> Iterator[RawDocument]:
    """A `datasets` save_to_disk folder (see saved_dataset.py): rows as records, `rel[/split]#id`."""
    source = str(folder)
    number = 0
    try:
        for split, number, row in iter_saved_dataset(folder):
            yield record_document(row, f"{rel}/{split}" if split else rel, number, source, limit, keys)
    except SavedDatasetError as exc:
        yield RawDocument.rejected(f"{rel}#{number + 1}", source, f"saved dataset: {exc}")
