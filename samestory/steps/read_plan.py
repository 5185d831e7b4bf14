"""Cutting the input into read tasks (driver) and reading one task's documents (worker).

The driver only walks and stats: it never parses a record. Files are taken in the reader's
order (read/: sorted walk, hidden entries skipped) and grouped into tasks of about
`target_bytes` of input; each task's documents come out exactly as `read.iter_documents`
yields them for those files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..config import ReadSettings
from ..read import _guarded, _identity, _read_file, _replace_surrogates, _unique, _walk, check_paths, readable_name
from ..records import RawDocument

__all__ = ["FileEntry", "ReadTask", "plan_read_tasks", "read_task"]


@dataclass(frozen=True)
class FileEntry:
    path: str
    rel: str              # the doc_id stem: the path relative to its input argument
    error: str | None     # why it is not read (its rejected row's reason), if so


@dataclass(frozen=True)
class ReadTask:
    files: tuple[FileEntry, ...]
    size: int             # input bytes, for progress and balancing


def plan_read_tasks(paths: Iterable[str | os.PathLike], settings: ReadSettings, skip: Iterable = (),
                    target_bytes: int = 32 << 20) -> list[ReadTask]:
    skipped = {identity for identity in map(_identity, map(Path, skip)) if identity}
    tasks: list[ReadTask] = []
    current: list[FileEntry] = []
    size = 0
    for root in check_paths(paths):
        for path, rel, error in _walk(root, skipped):
            try:
                bytes_ = path.stat().st_size if error is None and path.is_file() else 0
            except OSError:
                bytes_ = 0
            if current and size + bytes_ > target_bytes:
                tasks.append(ReadTask(tuple(current), size))
                current, size = [], 0
            current.append(FileEntry(str(path), rel, error))
            size += bytes_
    if current:
        tasks.append(ReadTask(tuple(current), size))
    return tasks


def read_task(task: ReadTask, settings: ReadSettings) -> Iterator[RawDocument]:
    seen: set[str] = set()
    for entry in task.files:
        path = Path(entry.path)
        source = readable_name(entry.path)
        if entry.error:
            records: Iterable[RawDocument] = [RawDocument.rejected(entry.rel, source, entry.error)]
        else:
            records = _guarded(_read_file(path, entry.rel, settings.max_document_bytes, settings.field_keys),
                               entry.rel, source)
        for record in records:
            record.source = source
            _replace_surrogates(record)
            record.doc_id = _unique(record.doc_id, seen)
            yield record
