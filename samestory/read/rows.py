"""Records (dicts, Arrow rows, `datasets` rows) to RawDocument, and the record inputs of the
Python API: an iterable of dicts, a pyarrow Table or RecordBatch, a pandas DataFrame, a
`datasets.Dataset` or `DatasetDict`.

Fields are found by `fields.map_record` (user keys, else the common layouts' names); every
other field travels as the document's metadata. Rows of API inputs are numbered from 1 and
their doc_id is `records#<id>` (`records/<split>#<id>` for a DatasetDict), the row number
when the record has no id.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain, islice
from typing import Any

from ..records import RawDocument
from .fields import FieldKeys, map_record

__all__ = ["RAISED_BY_CALLER", "ArrowRows", "RecordInputError", "input_kind", "iter_record_input", "iter_rows", "peek",
           "record_document"]

API_PREFIX = "records"


class RecordInputError(TypeError):
    """An API input that is neither paths nor records (one-line message)."""


def record_document(obj: Mapping[str, Any], rel: str, number: int, source: str, limit: int,
                    keys: FieldKeys = FieldKeys()) -> RawDocument:
    """A JSONL/Parquet/Arrow record as a document: `rel#<id>` (the row number without an id)."""
    try:
        mapped = map_record(obj, keys)
    except RecursionError:  # nesting deeper than Python's stack: not a record anyone meant
        return RawDocument.rejected(f"{rel}#{number}", source, "record nested too deeply to read")
    rid = mapped.id.strip() if mapped.id else ""
    doc_id = f"{rel}#{rid or number}"
    meta = {"url": _clean(mapped.url), "title": _clean(mapped.title), "date": _clean_date(mapped.date),
            "metadata": mapped.metadata, "record_id": rid or None}
    if mapped.problem:
        return RawDocument(doc_id=doc_id, source=source, kind="rejected", reason=mapped.problem, **meta)
    kind, content = ("text", mapped.text) if mapped.text is not None else ("html", mapped.html)
    if len(content) > limit:
        reason = f"document too large: over {limit / 1e6:.1f} MB (max_document_bytes)"
        return RawDocument(doc_id=doc_id, source=source, kind="rejected", reason=reason, **meta)
    if kind == "text" and _looks_like_html(content):
        kind = "html"
    return RawDocument(doc_id=doc_id, source=source, kind=kind, content=content, **meta)


def _looks_like_html(text: str) -> bool:
    from .formats import looks_like_html  # formats reads files with this module's help

    return looks_like_html(text)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _clean_date(value: Any) -> Any:
    return _clean(value) if isinstance(value, str) else value


def _is_path(x: Any) -> bool:
    return isinstance(x, (str, os.PathLike))


def _is_dataset(x: Any) -> bool:
    """A `datasets.Dataset`/`IterableDataset`, recognised without importing `datasets`."""
    return type(x).__module__.split(".")[0] == "datasets" and hasattr(x, "features") and hasattr(x, "with_format")


def input_kind(inputs: Any) -> str:
    """"paths" (a path), "records" (a table, DataFrame, Dataset or DatasetDict) or "iterable"
    (a list or generator: its items decide); RecordInputError for anything else."""
    if _is_path(inputs):
        return "paths"
    import pyarrow as pa

    if isinstance(inputs, (pa.Table, pa.RecordBatch)) or _is_dataset(inputs) or _is_dataframe(inputs):
        return "records"
    if isinstance(inputs, Mapping):
        if inputs and all(_is_dataset(v) for v in inputs.values()):
            return "records"  # a DatasetDict
        raise RecordInputError("a single dict is not an input: pass a list of records, or paths")
    if not isinstance(inputs, Iterable) or isinstance(inputs, (bytes, bytearray)):
        raise RecordInputError(f"cannot read {type(inputs).__name__}: pass paths, records (dicts), an Arrow table or a datasets.Dataset")
    return "iterable"


def _is_dataframe(x: Any) -> bool:
    return type(x).__name__ == "DataFrame" and type(x).__module__.split(".")[0] == "pandas"


def peek(inputs: Iterable) -> tuple[Any, Iterator]:
    """The first item (None when empty) and an iterator that still yields it."""
    it = iter(inputs)
    for first in it:
        return first, chain([first], it)
    return None, iter(())


def iter_record_input(inputs: Any, keys: FieldKeys = FieldKeys(), limit: int = 10_000_000) -> Iterator[RawDocument]:
    """Every record of an API input as a document, in order."""
    for split, number, row in _rows(inputs):
        rel = f"{API_PREFIX}/{split}" if split else API_PREFIX
        if not isinstance(row, Mapping):
            yield RawDocument.rejected(f"{rel}#{number}", f"<{API_PREFIX}>", f"item {number} is not a record (a dict), it is {type(row).__name__}")
            continue
        yield record_document(row, rel, number, f"<{API_PREFIX}>", limit, keys)


def _rows(inputs: Any) -> Iterator[tuple[str, int, Any]]:
    import pyarrow as pa

    if _is_dataframe(inputs):
        inputs = pa.Table.from_pandas(inputs, preserve_index=False)
    if isinstance(inputs, pa.RecordBatch):
        inputs = pa.Table.from_batches([inputs])
    if isinstance(inputs, pa.Table):
        yield from _numbered("", _arrow_rows(inputs.to_batches(max_chunksize=1024)))
    elif _is_dataset(inputs):
        yield from _numbered("", _callers(_dataset_rows(inputs)))
    elif isinstance(inputs, Mapping):  # DatasetDict: splits in their order
        for split, dataset in inputs.items():
            yield from _numbered(str(split), _callers(_dataset_rows(dataset)))
    else:
        yield from _numbered("", _callers(iter(inputs)))


#: Set on an exception raised by the caller's own iterable: it propagates out of samestory.run
#: as it was raised, instead of becoming an "unreadable" row (read._guarded).
RAISED_BY_CALLER = "_samestory_raised_by_caller"


def _callers(rows: Iterator) -> Iterator:
    """The caller's rows; an exception its iterator raises is marked RAISED_BY_CALLER."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            try:
                setattr(exc, RAISED_BY_CALLER, True)
            except (AttributeError, TypeError):  # an exception type without attributes: wrapped
                raise RuntimeError(f"the records iterator raised {exc!r}") from exc
            raise
        yield row


def _numbered(split: str, rows: Iterator) -> Iterator[tuple[str, int, Any]]:
    for number, row in enumerate(rows, start=1):
        yield split, number, row


def _arrow_rows(batches) -> Iterator[dict]:
    for batch in batches:
        yield from batch.to_pylist()


def _dataset_rows(dataset) -> Iterator[dict]:
    """Arrow batches: the rows as stored, whatever format the dataset was set to return."""
    try:
        batches = dataset.with_format("arrow").iter(batch_size=1024)
    except (AttributeError, TypeError, ValueError):  # IterableDataset versions without arrow format
        yield from iter(dataset)
        return
    for table in batches:
        yield from table.to_pylist()


def iter_rows(inputs: Any, rows_per_chunk: int = 1024) -> Iterator[tuple[str, int, Any]]:
    """(split, number of the chunk's first row, rows) for an API input, in order, at most
    `rows_per_chunk` rows a chunk: Arrow inputs (tables, DataFrames, datasets) as ArrowRows,
    other iterables as lists of their items. Numbers start at 1 in each split, as in
    iter_record_input."""
    import pyarrow as pa

    if _is_dataframe(inputs):
        inputs = pa.Table.from_pandas(inputs, preserve_index=False)
    if isinstance(inputs, pa.RecordBatch):
        inputs = pa.Table.from_batches([inputs])
    if isinstance(inputs, pa.Table):
        for start in range(0, inputs.num_rows, rows_per_chunk):
            yield "", start + 1, ArrowRows.of(inputs.slice(start, rows_per_chunk))
    elif _is_dataset(inputs):
        yield from _dataset_chunks("", inputs, rows_per_chunk)
    elif isinstance(inputs, Mapping):  # DatasetDict: splits in their order
        for split, dataset in inputs.items():
            yield from _dataset_chunks(str(split), dataset, rows_per_chunk)
    else:
        yield from _list_chunks("", iter(inputs), rows_per_chunk)


def _list_chunks(split: str, rows: Iterator, size: int) -> Iterator[tuple[str, int, list]]:
    number = 1
    while True:
        chunk = list(islice(rows, size))
        if not chunk:
            return
        yield split, number, chunk
        number += len(chunk)


def _dataset_chunks(split: str, dataset, size: int) -> Iterator[tuple[str, int, Any]]:
    try:
        tables = dataset.with_format("arrow").iter(batch_size=size)
    except (AttributeError, TypeError, ValueError):  # IterableDataset versions without arrow format
        yield from _list_chunks(split, iter(dataset), size)
        return
    number = 1
    for table in tables:
        yield split, number, ArrowRows.of(table)
        number += table.num_rows


class ArrowRows:
    """Rows of an Arrow table as an Arrow IPC stream: pickling a slice of a table pickles the
    whole table's buffers (pyarrow 26), the IPC writer only the slice's."""

    __slots__ = ("data", "num_rows")

    def __init__(self, data: bytes, num_rows: int):
        self.data = data
        self.num_rows = num_rows

    @classmethod
    def of(cls, table) -> "ArrowRows":
        import pyarrow as pa

        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        return cls(sink.getvalue().to_pybytes(), table.num_rows)

    def __getstate__(self):
        return self.data, self.num_rows

    def __setstate__(self, state):
        self.data, self.num_rows = state

    def to_pylist(self) -> list[dict]:
        import pyarrow as pa

        rows = []
        for batch in pa.ipc.open_stream(self.data):
            rows.extend(batch.to_pylist())
        return rows
