"""Stage 1, read: paths (files or folders) or records to a stream of RawDocument records.

Reading is cut into tasks (tasks.py: `plan_read_tasks` in the driver, `read_task` in
workers); `iter_documents` reads them in order in this process. Reading streams one record at
a time, so memory does not grow with the crawl. A folder written by `datasets` `save_to_disk`
is read as one dataset, not walked into (saved_dataset.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from ..records import RawDocument
from .fields import FieldKeys
from .formats import format_of, read_jsonl, read_parquet, read_saved_dataset, read_single, read_warc  # noqa: F401
from .rows import RecordInputError, input_kind, peek
from .tasks import _guarded  # noqa: F401  (the records' safety net, as for files)
from .tasks import (
    DEFAULT_TARGET_BYTES, ReadOutcome, ReadTask, number_read_tasks, plan_read_tasks, read_plan, read_task, record_tasks,
    scan_read_task, void_tasks,
)
from .unique import families_to_resolve, id_keys, renamed_ids, rows_in_families, unique_id
from .walk import RUN_FOLDER_NOTE, RUN_MARKERS, InputError, check_paths, is_run_folder, readable_name  # noqa: F401

__all__ = [
    "DEFAULT_TARGET_BYTES", "FieldKeys", "InputError", "RawDocument", "ReadOutcome", "ReadTask", "check_paths",
    "families_to_resolve", "id_keys", "iter_documents", "iter_inputs", "iter_record_documents", "number_read_tasks",
    "plan_read_tasks", "read_plan", "read_task", "record_tasks", "renamed_ids", "rows_in_families", "scan_read_task",
    "split_inputs", "unique_id", "void_tasks",
]


class _Limits:
    """The two reading settings `read_task` uses, for callers that pass them loose."""

    def __init__(self, max_document_bytes: int, field_keys: FieldKeys):
        self.max_document_bytes = max_document_bytes
        self.field_keys = field_keys


def split_inputs(inputs) -> tuple[list[Path] | None, Iterable | None]:
    """(paths, None) or (None, records) for what `samestory.run` was given: a path, paths, or
    records (see rows.py). Paths are checked here, before anything is written."""
    if isinstance(inputs, (str, os.PathLike)):
        return check_paths([inputs]), None
    try:
        kind = input_kind(inputs)
    except RecordInputError as exc:
        raise InputError(str(exc)) from None
    if kind == "records":
        return None, inputs
    first, items = peek(inputs)  # a plain iterable: its first item says paths or records
    if first is None:
        raise InputError("no inputs given")
    if isinstance(first, (str, os.PathLike)):
        return check_paths(items), None
    return None, items


def iter_inputs(inputs, max_document_bytes: int = 10_000_000, keys: FieldKeys = FieldKeys()) -> Iterator[RawDocument]:
    """Every document of `inputs` (paths or records), doc_ids unique."""
    paths, records = split_inputs(inputs)
    if paths is not None:
        return iter_documents(paths, max_document_bytes, keys)
    return iter_record_documents(records, max_document_bytes, keys)


def iter_record_documents(records: Iterable, max_document_bytes: int = 10_000_000,
                          keys: FieldKeys = FieldKeys()) -> Iterator[RawDocument]:
    """Every record of an API input (split_inputs' records) as a document, doc_ids unique."""
    seen: set[str] = set()
    read = _Limits(max_document_bytes, keys)
    documents = (doc for task in record_tasks(records) for doc in read_task(task, read))
    for record in _guarded_records(documents):
        record.doc_id = unique_id(record.doc_id, seen)
        yield record


def _guarded_records(records: Iterator[RawDocument]) -> Iterator[RawDocument]:
    """Should the caller's records raise, the input ends with a rejected row naming the error."""
    return _guarded(records, "records", "<records>")


def iter_documents(
    paths: Iterable[str | os.PathLike], max_document_bytes: int = 10_000_000, keys: FieldKeys = FieldKeys(),
    skip: Iterable[str | os.PathLike] = (), target_bytes: int | None = None,
) -> Iterator[RawDocument]:
    """Every document under `paths`, one record each; doc_ids are made unique. Folders in
    `skip` (a run's own --out inside an input folder) are not read.

    The tasks are read in order, here. `target_bytes` None reads every file whole, as one
    reader (no scans); a size splits files into parts as workers read them (same documents)."""
    seen: set[str] = set()
    read = _Limits(max_document_bytes, keys)
    tasks = read_plan(paths, read, skip, target_bytes)
    voided: set[int] = set()
    for task in tasks:
        if task.index in voided:
            continue
        outcome = ReadOutcome()
        for record in read_task(task, read, outcome):
            record.doc_id = unique_id(record.doc_id, seen)
            yield record
        if outcome.reads_to_end:
            voided |= void_tasks(tasks, {task.index: outcome})
