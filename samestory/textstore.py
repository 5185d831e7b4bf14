"""The clean texts of a run, held as Arrow chunks instead of Python strings.

A 100k-document crawl of ~3 kB texts costs ~350 MB either way, but Python strings would be
copied once more into the output table and are slow to give back to the OS; Arrow chunks
are the output column itself (zero copy). Stages read single texts by row.
"""

from __future__ import annotations

import bisect
from typing import Iterable

import pyarrow as pa


class TextStore:
    def __init__(self) -> None:
        self._chunks: list[pa.Array] = []
        self._starts: list[int] = [0]
        self._changed: dict[int, str | None] = {}  # rows replaced after reading (boilerplate removal)

    def extend(self, texts: pa.Array | Iterable[str | None]) -> None:
        if isinstance(texts, pa.Array):
            # copy into Arrow's own memory: an array unpickled from a worker's message is a view
            # that would keep the whole message (fingerprints included) alive
            chunk = pa.concat_arrays([texts.cast(pa.large_string())])
        else:
            chunk = pa.array(list(texts), type=pa.large_string())
        self._chunks.append(chunk)
        self._starts.append(self._starts[-1] + len(chunk))

    def __len__(self) -> int:
        return self._starts[-1]

    def __getitem__(self, row: int) -> str | None:
        row = int(row)
        if row in self._changed:
            return self._changed[row]
        if not 0 <= row < len(self):
            raise IndexError(row)
        k = bisect.bisect_right(self._starts, row) - 1
        return self._chunks[k][row - self._starts[k]].as_py()

    def __setitem__(self, row: int, text: str | None) -> None:
        if not 0 <= int(row) < len(self):
            raise IndexError(row)
        self._changed[int(row)] = text

    def column(self) -> pa.ChunkedArray:
        """All texts as one Arrow column; only chunks holding replaced rows are rebuilt."""
        chunks = []
        for k, chunk in enumerate(self._chunks):
            start, end = self._starts[k], self._starts[k + 1]
            rows = [r for r in self._changed if start <= r < end]
            if rows:
                values = chunk.to_pylist()
                for r in rows:
                    values[r - start] = self._changed[r]
                chunk = pa.array(values, type=pa.large_string())
            chunks.append(chunk)
        return pa.chunked_array(chunks, type=pa.large_string())
