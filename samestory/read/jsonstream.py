"""JSON values streamed out of a file: JSON Lines, a JSON array, a pretty-printed object, or a mix.

The standard library parses one value at a time (`JSONDecoder.raw_decode`); this module feeds
it a bounded window of the file so that memory stays near the size of one record. A top-level
array is opened here and its items are decoded one by one, so a large array file is streamed
too. After a syntax error, reading resumes at the next line that starts a value (`{` or `[`):
one broken JSONL line costs one row, a broken pretty-printed object costs one row.

A JSON Lines record (an object alone on its line) is parsed by orjson, ~3x faster than the
standard library, when orjson reads it exactly as the standard library would: whenever
orjson refuses the line, its value holds a float (orjson 3.8 reads an integer beyond 64 bits
as a float, the standard library as an int) or is nested deeply (the standard library's
limit is Python's recursion limit), the line takes the standard library's path.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Iterator

import orjson

from .decode import bom_encoding
from .limits import CHUNK

#: Room for a record's other fields (id, url, title...) beyond the document limit.
RECORD_HEADROOM = 1 << 16
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
_VALUE_START = re.compile(r"\n[ \t\r]*[\[{]")


@dataclass
class JsonItem:
    """One top-level value (index None) or one item of a top-level array (index 1, 2, ...)."""

    line: int
    index: int | None = None
    value: object = None
    error: str | None = None
    #: nothing after this item can be read (the reason says so)
    final: bool = False


class _TooLarge(Exception):
    pass


class _Window:
    """The not-yet-parsed text of the file, with the line number of its first character."""

    def __init__(self, fh, limit: int):
        self.fh = fh
        self.decoder = None  # chosen from the first bytes: UTF-8, or what a byte order mark says
        self.text = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.limit = limit
        self.max_value_chars = limit + RECORD_HEADROOM
        self.pending: Exception | None = None

    def fill(self, want: int = CHUNK) -> bool:
        """Append up to `want` more bytes of input; False once the input is exhausted.

        A read error (truncated gzip, budget) after some bytes arrived is raised on the next
        call, so that the complete records read before it are still parsed."""
        if self.pending is not None:
            raise self.pending
        if self.eof:
            return False
        pieces: list[bytes] = []
        got = 0
        try:
            while got < max(want, CHUNK):
                piece = self.fh.read1(max(want, CHUNK) - got)
                if not piece:
                    break
                pieces.append(piece)
                got += len(piece)
        except Exception as exc:
            if not pieces:
                raise
            self.pending = exc
        data = b"".join(pieces)
        if self.decoder is None:  # JSON is UTF-8, but files saved as UTF-16/32 say so with a BOM
            codec, size = bom_encoding(data) or ("utf-8", 0)
            self.decoder = codecs.getincrementaldecoder(codec)("replace")
            data = data[size:]
        self.text = self.text[self.pos:] + self.decoder.decode(data, final=not data)
        self.pos = 0
        self.eof = not data
        return bool(data)

    def advance(self, to: int) -> None:
        self.line += self.text.count("\n", self.pos, to)
        self.pos = to

    def skip_ws(self) -> bool:
        """Move to the next non-blank character; False at the end of the input."""
        while True:
            self.advance(_WS.match(self.text, self.pos).end())
            if self.pos < len(self.text):
                return True
            if not self.fill():
                return False

    def at_line_start(self) -> bool:
        """True when the last character read is a newline (False when that is unknown)."""
        return self.pos > 0 and self.text[self.pos - 1] == "\n"

    def peek(self) -> str:
        return self.text[self.pos]

    def decode_line_object(self) -> object:
        """The object that fills the rest of the current line (JSON Lines), parsed by orjson,
        or _NOT_READ (nothing consumed) where orjson cannot stand in for the standard library:
        no object here, no line end in the window, a line orjson refuses, a float in the value."""
        text, pos = self.text, self.pos
        if text[pos] != "{":
            return _NOT_READ
        end = text.find("\n", pos)
        if end < 0:
            return _NOT_READ
        try:
            value = orjson.loads(text[pos:end])
        except orjson.JSONDecodeError:
            return _NOT_READ
        if not _orjson_reads_as_json(value):
            return _NOT_READ
        self.pos = end  # the line holds no "\n" before `end`: the line count stays
        return value

    def decode_value(self) -> object:
        """The JSON value at the current position (JSONDecodeError, _TooLarge)."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
                if end < len(self.text) or self.eof:  # a number at the very end may go on
                    self.advance(end)
                    return value
            except json.JSONDecodeError as exc:
                if self.eof or not _may_be_cut(exc):
                    raise
            if len(self.text) - self.pos > self.max_value_chars:
                raise _TooLarge
            held = len(self.text) - self.pos
            # doubling (a long value is re-parsed O(log n) times), never past the value limit
            self.fill(min(held, self.max_value_chars + CHUNK - held))

    def skip_to_next_value(self) -> None:
        """After a bad value: drop input up to the next line that starts with `{` or `[`."""
        while True:
            match = _VALUE_START.search(self.text, self.pos)
            if match:
                self.advance(match.start() + 1)
                return
            self.advance(max(self.pos, len(self.text) - 64))  # keep a tail: a match may span reads
            if not self.fill():
                self.advance(len(self.text))
                return


_NOT_READ = object()


#: orjson reads deeper nesting than the standard library, whose limit is Python's recursion
#: limit less the stack in use; values nested deeper than this go the standard library's way
MAX_FAST_DEPTH = 64


def _orjson_reads_as_json(value: object) -> bool:
    """True when the standard library is known to read this value the same: no float in it
    (a float may be a big integer orjson turned into one) and nested at most MAX_FAST_DEPTH
    levels. Walked with a stack, not recursion."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_FAST_DEPTH:
            return False
        for item in (node.values() if type(node) is dict else node):
            kind = type(item)
            if kind is float:
                return False
            if kind is dict or kind is list:
                stack.append((item, depth + 1))
    return True


def _may_be_cut(exc: json.JSONDecodeError) -> bool:
    """Could more input make this parse? (The error sits at the end of what was read.)"""
    return exc.msg.startswith("Unterminated string") or exc.pos >= len(exc.doc) - 8 or not exc.doc[exc.pos:].strip()


class Boundary:
    """Where a part of a JSON Lines file stops, for a reader that starts at a line start.

    `stop_line` is the first line of the next part. The values of this part are those that
    start before it; after its last value the parser must be at the top level, with only
    whitespace read from `stop_line` on, for the next part (which starts parsing afresh at
    that line) to yield what one reader of the whole file would. When that fails (a value
    spans the line, or a broken region skipped after a syntax error reaches past it), this
    part reads on to the end of the file and sets `reads_to_end`: the later parts are void.
    """

    def __init__(self, stop_line: int):
        self.stop_line: int | None = stop_line
        self.reads_to_end = False

    def passed(self, line: int, at_line_start: bool) -> bool:
        """After an item the parser stands at `line` (at its start, or inside it): True when
        that is past the stop, which then no longer applies. Erring towards True is safe (the
        part reads on, so the later parts it voids are read here); towards False is not."""
        if self.stop_line is None:
            return False
        crossed = line > self.stop_line if at_line_start else line >= self.stop_line
        if crossed:
            self.stop_line = None
            self.reads_to_end = True
        return crossed


def iter_json_values(fh, limit: int, first_line: int = 1, boundary: Boundary | None = None) -> Iterator[JsonItem]:
    """Every JSON value of a binary stream, with the line it starts on; errors as items.

    A value longer than `limit` (max_document_bytes) plus RECORD_HEADROOM is not parsed.
    `first_line` > 1: the stream starts at that line of a file (a part of it; no byte order
    mark there); `boundary`: the part ends where the next one starts (see Boundary)."""
    window = _Window(fh, limit)
    window.line = first_line
    if first_line == 1 and window.skip_ws() and window.peek() == "\ufeff":  # byte order mark
        window.advance(window.pos + 1)
    while window.skip_ws():
        line = window.line
        if boundary is not None and boundary.stop_line is not None and line >= boundary.stop_line:
            return  # the next part's first value
        if window.peek() == "[":
            window.advance(window.pos + 1)
            stop = yield from _array_items(window, line)
            if stop:
                return
            if boundary is not None:
                boundary.passed(window.line, at_line_start=False)
            continue
        value = window.decode_line_object()
        if value is not _NOT_READ:
            yield JsonItem(line, value=value)
            continue
        try:
            yield JsonItem(line, value=window.decode_value())
            after_value = True
        except json.JSONDecodeError as exc:
            first = window.line
            window.skip_to_next_value()
            skipped = f"line {first}" if window.line - 1 <= first else f"lines {first}-{window.line - 1}"
            yield JsonItem(line, error=f"{skipped} not valid JSON ({exc.msg})")
            after_value = False
        except _TooLarge:
            yield JsonItem(line, error=_too_large(window, line))
            window.skip_to_next_value()
            after_value = False
        except RecursionError:  # the standard parser recurses once per nesting level
            yield JsonItem(line, error=f"line {line}: JSON nested too deeply")
            window.skip_to_next_value()
            after_value = False
        if boundary is not None:  # a skipped region ends at a line start, a value inside a line
            boundary.passed(window.line, at_line_start=not after_value and window.at_line_start())


def _array_items(window: _Window, line: int) -> Iterator[JsonItem]:
    """Items of an array whose `[` was just consumed; returns True when the file cannot go on."""
    index = 0
    while True:
        if not window.skip_ws():
            yield JsonItem(line, index + 1, error=f"JSON array at line {line} is not closed (file ends)", final=True)
            return True
        if window.peek() == "]":
            window.advance(window.pos + 1)
            return False
        if index and window.peek() == ",":
            window.advance(window.pos + 1)
            if not window.skip_ws():
                continue  # reported as "not closed" above
        index += 1
        try:
            yield JsonItem(line, index, value=window.decode_value())
        except json.JSONDecodeError as exc:
            message = f"item {index} of the JSON array at line {line} is not valid JSON ({exc.msg}); rest of the array not read"
            yield JsonItem(line, index, error=message, final=True)
            return True
        except _TooLarge:
            yield JsonItem(line, index, error=_too_large(window, line) + "; rest of the array not read", final=True)
            return True
        except RecursionError:
            message = f"item {index} of the JSON array at line {line} is nested too deeply; rest of the array not read"
            yield JsonItem(line, index, error=message, final=True)
            return True


def _too_large(window: _Window, line: int) -> str:
    return f"record starting at line {line} too large: over {window.limit / 1e6:.1f} MB (max_document_bytes)"
