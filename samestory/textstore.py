"""The clean texts of a run: in memory (no work folder), or in the work folder's shards.

Every store reads texts by row (`store[row]`, `take(rows)`), gives a row range as one Arrow
array for the writers (`array(lo, hi)`), and makes a *text job* for a worker (`job(rows)`):
a small picklable object whose `read()` returns {row: text}. With a work folder the job
names the shard files and offsets, and the worker reads the texts itself: the driver never
holds all texts, and a verification chunk does not carry its texts through the driver.

- `TextStore`: Arrow chunks in memory (the output column itself, zero copy); runs without
  `--out`.
- `ShardTextStore`: one uncompressed Arrow IPC file per first-pass shard
  (`first-000000.texts.arrow`), memory-mapped on demand. Uncompressed because random access
  is the point: a row costs the pages it lies on, where a compressed Parquet page would be
  decoded whole (a pair chunk touches a few texts in nearly every shard).
- `StackedTexts`: several stores read as one, row after row (reference runs, then the new
  documents).

Rows replaced after reading (boilerplate removal) are kept apart in `_changed` by every store.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .groupby import sorted_unique

__all__ = ["TextStore", "ShardTextStore", "StackedTexts", "RowTexts", "TextJob", "write_text_file", "read_text_file"]

_TEXT_SCHEMA = pa.schema([("text", pa.large_string())])


def write_text_file(path, texts: pa.Array) -> None:
    """One shard's texts as an uncompressed Arrow IPC file (callers write it atomically)."""
    table = pa.Table.from_arrays([texts.cast(pa.large_string())], schema=_TEXT_SCHEMA)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, _TEXT_SCHEMA) as writer:
        writer.write_table(table)


def read_text_file(path) -> pa.Array:
    """A shard's texts, memory-mapped: only the pages of the rows read are loaded, and the
    mapping ends when the last array using it is dropped."""
    reader = pa.ipc.open_file(pa.memory_map(str(path), "r"))
    if reader.num_record_batches == 0:
        return pa.array([], type=pa.large_string())
    if reader.num_record_batches == 1:
        return reader.get_batch(0).column(0)
    return pa.concat_arrays([reader.get_batch(i).column(0) for i in range(reader.num_record_batches)])


# --- text jobs: what a worker is given to read the texts of its rows ---------------------------

@dataclass
class ResolvedTexts:
    """Texts already read (stores held in memory)."""

    texts: dict[int, str | None]

    def read(self) -> dict[int, str | None]:
        return self.texts


@dataclass
class ShardTextJob:
    """Rows to read from shard files, in the worker that verifies them."""

    files: list[str]          # the shard files the rows lie in
    file_of: np.ndarray       # per row: index into files
    offset: np.ndarray        # per row: offset in its file
    rows: np.ndarray          # the rows themselves
    changed: dict[int, str | None] = field(default_factory=dict)

    def read(self) -> dict[int, str | None]:
        out: dict[int, str | None] = dict(self.changed)
        for k, pick in _by_file(self.file_of):
            values = read_text_file(self.files[k]).take(pa.array(self.offset[pick])).to_pylist()
            out.update(zip(self.rows[pick].tolist(), values))
        return out


def _by_file(file_of: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(file, positions of its rows) for each file `file_of` names: one sort, not a scan per file."""
    if not len(file_of):
        return []
    order = np.argsort(file_of, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(file_of[order])) + 1)
    return [(int(file_of[g[0]]), g) for g in groups]


@dataclass
class StackedJob:
    """Jobs of several stores, each with the row shift of its store."""

    parts: list[tuple[int, object]]

    def read(self) -> dict[int, str | None]:
        out: dict[int, str | None] = {}
        for shift, job in self.parts:
            out.update((row + shift, text) for row, text in job.read().items())
        return out


TextJob = ResolvedTexts | ShardTextJob | StackedJob


# --- stores ----------------------------------------------------------------------------------

class RowTexts:
    """What every store offers, from `__getitem__` and `__len__`; stores override what they
    can do faster."""

    def __len__(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def __getitem__(self, row: int) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def take(self, rows: Iterable[int]) -> list[str | None]:
        return [self[r] for r in rows]

    def job(self, rows: Iterable[int]) -> TextJob:
        rows = [int(r) for r in rows]
        return ResolvedTexts(dict(zip(rows, self.take(rows))))

    def array(self, lo: int, hi: int) -> pa.Array:
        """Rows lo..hi-1 as one large_string array (the writers' text column, a slice at a time)."""
        return pa.array(self.take(range(lo, hi)), type=pa.large_string())

    def take_array(self, rows: np.ndarray) -> pa.Array:
        """The texts of `rows` as one large_string array, in the order given."""
        return pa.array(self.take(rows), type=pa.large_string())

    def nbytes(self, rows: np.ndarray) -> np.ndarray:
        """UTF-8 length of each row's text (0 for none)."""
        return np.array([len(t.encode("utf-8")) if t else 0 for t in self.take(rows)], dtype=np.int64)

    def prefetch(self, rows: np.ndarray) -> None:
        """Load ahead the texts these rows will need (stores that read whole files at once)."""


def _patched(array: pa.Array, rows: Iterable[int], changed: dict[int, str | None]) -> pa.Array:
    """`array` (the texts of `rows`, in order) with the store's replaced rows put in."""
    if not changed:
        return array
    at = [(i, r) for i, r in enumerate(rows) if r in changed]
    if not at:
        return array
    values = array.to_pylist()
    for i, r in at:
        values[i] = changed[r]
    return pa.array(values, type=pa.large_string())


class _ChunkedTexts(RowTexts):
    """Texts in consecutive chunks (`_chunk(k)` holds rows _starts[k].._starts[k+1]-1), with
    replaced rows kept apart."""

    def __init__(self) -> None:
        self._starts: list[int] = [0]
        self._changed: dict[int, str | None] = {}  # rows replaced after reading (boilerplate removal)

    def _chunk(self, k: int) -> pa.Array:  # pragma: no cover - abstract
        raise NotImplementedError

    def __len__(self) -> int:
        return self._starts[-1]

    def __getitem__(self, row: int) -> str | None:
        row = int(row)
        if row in self._changed:
            return self._changed[row]
        if not 0 <= row < len(self):
            raise IndexError(row)
        k = bisect.bisect_right(self._starts, row) - 1
        return self._chunk(k)[row - self._starts[k]].as_py()

    def __setitem__(self, row: int, text: str | None) -> None:
        if not 0 <= int(row) < len(self):
            raise IndexError(row)
        self._changed[int(row)] = text


class TextStore(_ChunkedTexts):
    """Texts held in memory as Arrow chunks. A 100k-document crawl of ~3 kB texts costs ~350 MB
    either way, but Python strings would be copied once more into the output table and are slow
    to give back to the OS; Arrow chunks are the output column itself (zero copy)."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[pa.Array] = []

    def _chunk(self, k: int) -> pa.Array:
        return self._chunks[k]

    def extend(self, texts: pa.Array | Iterable[str | None]) -> None:
        if isinstance(texts, pa.Array):
            # copy into Arrow's own memory: an array unpickled from a worker's message is a view
            # that would keep the whole message (fingerprints included) alive
            chunk = pa.concat_arrays([texts.cast(pa.large_string())])
        else:
            chunk = pa.array(list(texts), type=pa.large_string())
        self._chunks.append(chunk)
        self._starts.append(self._starts[-1] + len(chunk))

    def column(self) -> pa.ChunkedArray:
        """All texts as one Arrow column; only chunks holding replaced rows are rebuilt."""
        chunks = [_patched(chunk, range(self._starts[k], self._starts[k + 1]), self._changed)
                  for k, chunk in enumerate(self._chunks)]
        return pa.chunked_array(chunks, type=pa.large_string())


class ShardTextStore(_ChunkedTexts):
    """Texts in one Arrow IPC file per shard of a work folder; a few files stay mapped for
    reads one row at a time (the rewrite tier, the report)."""

    #: files kept mapped for reads one row at a time (the report reads a few thousand rows spread
    #: over every shard): a mapping costs address space, and memory only for the pages read
    OPEN_FILES = 1024

    def __init__(self, files: Iterable[str] = (), sizes: Iterable[int] = ()) -> None:
        super().__init__()
        self._files: list[str] = []
        self._open: OrderedDict[int, pa.Array] = OrderedDict()
        for path, size in zip(files, sizes):
            self.add(path, size)

    def add(self, path, size: int) -> None:
        """The next shard: `size` texts in the file at `path`."""
        self._files.append(str(path))
        self._starts.append(self._starts[-1] + int(size))

    def _chunk(self, k: int) -> pa.Array:
        if k in self._open:
            self._open.move_to_end(k)
            return self._open[k]
        array = read_text_file(self._files[k])
        self._open[k] = array
        if len(self._open) > self.OPEN_FILES:
            self._open.popitem(last=False)
        return array

    def _locate(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        starts = np.asarray(self._starts, dtype=np.int64)
        k = np.searchsorted(starts, rows, side="right") - 1
        if len(rows) and (rows.min() < 0 or rows.max() >= len(self)):
            raise IndexError(f"row out of range 0..{len(self) - 1}")
        return k, rows - starts[k]

    def job(self, rows: Iterable[int]) -> ShardTextJob:
        rows = sorted_unique(np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=np.int64))
        changed = {int(r): self._changed[int(r)] for r in rows.tolist() if int(r) in self._changed}
        if changed:
            rows = rows[~np.isin(rows, np.fromiter(changed, dtype=np.int64, count=len(changed)))]
        k, offset = self._locate(rows)
        used, file_of = np.unique(k, return_inverse=True)
        return ShardTextJob([self._files[int(i)] for i in used], file_of, offset, rows, changed)

    def take(self, rows: Iterable[int]) -> list[str | None]:
        rows = np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=np.int64)
        found = self.job(rows).read()
        return [found[int(r)] for r in rows.tolist()]

    def take_array(self, rows: np.ndarray) -> pa.Array:
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return pa.array([], type=pa.large_string())
        k, offset = self._locate(rows)
        groups = _by_file(k)  # file by file, then back to the order asked for
        joined = pa.concat_arrays([read_text_file(self._files[f]).take(pa.array(offset[g])) for f, g in groups])
        order = np.concatenate([g for _, g in groups])
        if not np.array_equal(order, np.arange(len(order))):
            inverse = np.empty_like(order)
            inverse[order] = np.arange(len(order))
            joined = joined.take(pa.array(inverse))
        return _patched(joined.cast(pa.large_string()), rows.tolist(), self._changed)

    def _pieces(self, lo: int, hi: int) -> Iterable[tuple[int, int, int]]:
        """(file, start, stop) within files covering rows lo..hi-1."""
        k = bisect.bisect_right(self._starts, lo) - 1
        while lo < hi:
            start, end = self._starts[k], self._starts[k + 1]
            stop = min(hi, end)
            if stop > lo:
                yield k, lo - start, stop - start
            lo = max(lo, stop)
            k += 1

    def array(self, lo: int, hi: int) -> pa.Array:
        pieces = [read_text_file(self._files[k]).slice(a, b - a) for k, a, b in self._pieces(lo, hi)]
        # concat copies into memory of our own, so the files' mappings end here
        joined = pa.concat_arrays(pieces) if pieces else pa.array([], type=pa.large_string())
        return _patched(joined.cast(pa.large_string()), range(lo, hi), self._changed)

    def nbytes(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        k, offset = self._locate(rows)
        out = np.zeros(len(rows), dtype=np.int64)
        for f, pick in _by_file(k):
            # lengths from the offsets alone: the texts' own pages are not read
            lengths = pc.binary_length(read_text_file(self._files[f])).take(pa.array(offset[pick])).fill_null(0)
            out[pick] = lengths.to_numpy()
        for i, r in enumerate(rows.tolist()):
            if r in self._changed:
                text = self._changed[r]
                out[i] = len(text.encode("utf-8")) if text else 0
        return out


class StackedTexts(RowTexts):
    """Several text stores read as one, row after row (reference runs, then the new documents)."""

    def __init__(self, parts: list):
        self._parts = parts
        self._starts = np.concatenate(([0], np.cumsum([len(p) for p in parts]))).astype(np.int64)

    def __len__(self) -> int:
        return int(self._starts[-1])

    def __getitem__(self, row: int) -> str | None:
        k = int(np.searchsorted(self._starts, int(row), side="right")) - 1
        return self._parts[k][int(row) - int(self._starts[k])]

    def _split(self, rows: np.ndarray) -> Iterable[tuple[int, np.ndarray, np.ndarray]]:
        """(part, positions in rows, rows local to the part)."""
        k = np.searchsorted(self._starts, rows, side="right") - 1
        for part in sorted_unique(k).tolist():
            pick = np.flatnonzero(k == part)
            yield part, pick, rows[pick] - self._starts[part]

    def job(self, rows: Iterable[int]) -> StackedJob:
        rows = sorted_unique(np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=np.int64))
        return StackedJob([(int(self._starts[k]), self._parts[k].job(local)) for k, _, local in self._split(rows)])

    def take(self, rows: Iterable[int]) -> list[str | None]:
        rows = np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=np.int64)
        out: list[str | None] = [None] * len(rows)
        for k, pick, local in self._split(rows):
            for i, text in zip(pick.tolist(), self._parts[k].take(local)):
                out[i] = text
        return out

    def prefetch(self, rows: np.ndarray) -> None:
        rows = sorted_unique(np.asarray(rows, dtype=np.int64))
        for k, _, local in self._split(rows):
            self._parts[k].prefetch(local)
