"""The documents of a run as partitions: every read task's part, this run's and its references'.

Rows are numbered across the run: the reference runs' documents first (in the order the
references were given), then this run's, part after part in input order. A part is the
output of one read task (steps/read.py):

- `read/<part>.meta.parquet`: one row per document: its metadata, status, word count, exact
  hash (what the tables and the original rule read);
- `read/<part>.texts.arrow`: the clean texts, uncompressed Arrow IPC, so one text costs only
  the pages it lies on (a verification task reads a few texts from nearly every part);
- `read/<part>.lines.arrow`: per document, its line hashes and word counts (boilerplate);
- map outputs for the shuffles (`read/<part>.<kind>.arrow`, plan/shuffle.py);
- `docs/<part>.changes.arrow`: the documents whose text site-boilerplate removal changed, as
  they ended up (text, status, reason, lines removed, words, exact hash), written by the
  finalize step (steps/boilerplate.py); a part without such documents has none.

`Parts` is the picklable list tasks get; `PartTexts` and `read_meta` read it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["PartRef", "Parts", "PartTexts", "InMemoryTexts", "read_text_file", "write_text_file", "CHANGES_SCHEMA", "read_changes"]

_TEXT_SCHEMA = pa.schema([("text", pa.large_string())])

#: docs/<part>.changes.arrow: rows whose text boilerplate removal changed (local rows)
CHANGES_SCHEMA = pa.schema([
    ("row", pa.int32()), ("text", pa.large_string()), ("status", pa.string()), ("reason", pa.string()),
    ("boilerplate_lines", pa.int32()), ("n_words", pa.int32()), ("exact_hash", pa.uint64()),
])


def write_text_file(path, texts: pa.Array) -> None:
    """Texts as an uncompressed Arrow IPC file (callers write it atomically)."""
    table = pa.Table.from_arrays([texts.cast(pa.large_string())], schema=_TEXT_SCHEMA)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, _TEXT_SCHEMA) as writer:
        writer.write_table(table)


def read_text_file(path) -> pa.Array:
    """A texts file, memory-mapped: only the pages of the rows read are loaded."""
    reader = pa.ipc.open_file(pa.memory_map(str(path), "r"))
    if reader.num_record_batches == 0:
        return pa.array([], type=pa.large_string())
    if reader.num_record_batches == 1:
        return reader.get_batch(0).column(0)
    return pa.concat_arrays([reader.get_batch(i).column(0) for i in range(reader.num_record_batches)])


@dataclass(frozen=True)
class PartRef:
    """One read part: where it lies (`work`: the `_work` folder of the run that made it), its
    key, its documents, and its first row in this run."""

    work: str
    key: str
    rows: int
    start: int
    changed: bool = False   # it has a docs/<key>.changes.arrow
    reference: int = -1     # index of the reference run holding it; -1: this run

    def path(self, step: str, name: str) -> Path:
        return Path(self.work) / step / f"{self.key}.{name}"


@dataclass(frozen=True)
class Parts:
    """Every part of a run, in row order (picklable: tasks receive it)."""

    parts: tuple[PartRef, ...]
    first_new: int = 0  # rows before it belong to reference runs

    @property
    def n(self) -> int:
        return self.parts[-1].start + self.parts[-1].rows if self.parts else 0

    @property
    def starts(self) -> np.ndarray:
        """The first row of each part, and the row count at the end."""
        return np.array([p.start for p in self.parts] + [self.n], dtype=np.int64)

    def locate(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(part index, local row) of each row."""
        starts = self.starts
        k = np.searchsorted(starts, rows, side="right") - 1
        if len(rows) and (int(np.min(rows)) < 0 or int(np.max(rows)) >= self.n):
            raise IndexError(f"row out of range 0..{self.n - 1}")
        return k, rows - starts[k]

    def new(self) -> list[int]:
        """Indexes of this run's own parts."""
        return [i for i, p in enumerate(self.parts) if p.reference < 0]

    def outputs(self, kind: str, only_new: bool = True) -> list[tuple[Path, int]]:
        """(map output file, row shift) of every part's `kind` map output written by the read
        step, and by the finalize step for parts with changed documents."""
        out = []
        for p in self.parts:
            if only_new and p.reference >= 0:
                continue
            out.append((p.path("read", f"{kind}.arrow"), p.start))
        return out

    def change_outputs(self, kind: str) -> list[tuple[Path, int]]:
        return [(p.path("docs", f"{kind}.arrow"), p.start) for p in self.parts if p.changed and p.reference < 0]


def read_changes(part: PartRef, columns: Sequence[str] | None = None) -> pa.Table | None:
    """A part's changed documents (docs/<key>.changes.arrow), or None."""
    if not part.changed:
        return None
    reader = pa.ipc.open_file(pa.memory_map(str(part.path("docs", "changes.arrow")), "r"))
    table = reader.read_all()
    return table.select(list(columns)) if columns is not None else table


def by_part(k: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(part, positions) for each part that `k` names: one sort, not a scan per part."""
    if not len(k):
        return []
    order = np.argsort(k, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(k[order])) + 1)
    return [(int(k[g[0]]), g) for g in groups]


class InMemoryTexts:
    """Texts held in a list, read like PartTexts (`take`, `[row]`): for callers of the tiers'
    functions that have their texts at hand (tests, `compare`)."""

    def __init__(self, texts: Sequence[str | None]):
        self.texts = list(texts)

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, row: int) -> str | None:
        return self.texts[int(row)]

    def take(self, rows: Iterable[int]) -> list[str | None]:
        return [self.texts[int(r)] for r in rows]

    def job(self, rows: Iterable[int]) -> "ResolvedTexts":
        rows = [int(r) for r in rows]
        return ResolvedTexts(dict(zip(rows, self.take(rows))))

    def prefetch(self, rows) -> None:
        pass


@dataclass
class ResolvedTexts:
    """Texts already read ({row: text}), as a text job."""

    texts: dict[int, str | None]

    def read(self) -> dict[int, str | None]:
        return self.texts


class PartTexts:
    """Clean texts by row, read from the parts (each file memory-mapped once, kept open for the
    next reads); the texts boilerplate removal changed come from the changes files."""

    OPEN_FILES = 256

    def __init__(self, parts: Parts):
        self.parts = parts
        self._open: OrderedDict[int, pa.Array] = OrderedDict()
        self._changes: dict[int, dict[int, str | None]] = {}

    def __len__(self) -> int:
        return self.parts.n

    def _texts(self, k: int) -> pa.Array:
        if k in self._open:
            self._open.move_to_end(k)
            return self._open[k]
        array = read_text_file(self.parts.parts[k].path("read", "texts.arrow"))
        self._open[k] = array
        if len(self._open) > self.OPEN_FILES:
            self._open.popitem(last=False)
        return array

    def _changed(self, k: int) -> dict[int, str | None]:
        got = self._changes.get(k)
        if got is None:
            table = read_changes(self.parts.parts[k], ["row", "text"])
            got = {} if table is None else dict(zip(table.column(0).to_pylist(), table.column(1).to_pylist()))
            self._changes[k] = got
        return got

    def take(self, rows: Iterable[int]) -> list[str | None]:
        """The texts of `rows`, in the order given."""
        rows = np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=np.int64)
        out: list[str | None] = [None] * len(rows)
        if not len(rows):
            return out
        k, local = self.parts.locate(rows)
        for part, pick in by_part(k):
            values = self._texts(part).take(pa.array(local[pick])).to_pylist()
            changed = self._changed(part) if self.parts.parts[part].changed else None
            for i, value, r in zip(pick.tolist(), values, local[pick].tolist()):
                out[i] = changed[r] if changed and r in changed else value
        return out

    def take_array(self, rows: np.ndarray) -> pa.Array:
        return pa.array(self.take(rows), type=pa.large_string())

    def __getitem__(self, row: int) -> str | None:
        return self.take([int(row)])[0]

    def part_texts(self, k: int) -> pa.Array:
        """All texts of part k, changed ones put in (the writers' text column, a part at a time)."""
        array = self._texts(k).cast(pa.large_string())
        if not self.parts.parts[k].changed:
            return array
        changed = self._changed(k)
        if not changed:
            return array
        values = array.to_pylist()
        for r, text in changed.items():
            values[r] = text
        return pa.array(values, type=pa.large_string())

    def job(self, rows: Iterable[int]) -> "PartTextJob":
        return PartTextJob(self.parts, np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, np.int64))

    def prefetch(self, rows) -> None:  # the texts are read where they are needed
        pass


@dataclass
class PartTextJob:
    """Rows whose texts a worker reads itself ({row: text})."""

    parts: Parts
    rows: np.ndarray

    def read(self) -> dict[int, str | None]:
        rows = np.unique(self.rows)
        return dict(zip(rows.tolist(), PartTexts(self.parts).take(rows)))


def read_meta(part: PartRef, columns: Sequence[str]) -> pa.Table:
    """Columns of a part's meta.parquet, with the finalize step's changes put in (status,
    reason, n_words, exact_hash, boilerplate_lines)."""
    path = part.path("read", "meta.parquet")
    wanted = [c for c in columns if c != "boilerplate_lines"]
    table = pq.read_table(path, columns=wanted)
    if "boilerplate_lines" in columns:
        table = table.append_column("boilerplate_lines", pa.array(np.zeros(table.num_rows, np.int32)))
    changes = read_changes(part)
    if changes is None or not changes.num_rows:
        return table
    rows = changes.column("row").to_numpy()
    for name in ("status", "reason", "n_words", "exact_hash", "boilerplate_lines"):
        if name not in table.column_names:
            continue
        values = table.column(name).to_numpy(zero_copy_only=False).copy() if name in ("n_words", "exact_hash", "boilerplate_lines") \
            else np.array(table.column(name).to_pylist(), dtype=object)
        values[rows] = changes.column(name).to_numpy(zero_copy_only=False)
        field = table.schema.field(name)
        table = table.set_column(table.schema.get_field_index(name), field, pa.array(values, type=field.type))
    return table
