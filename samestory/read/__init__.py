"""Stage 1, read: paths (files or folders) or records to a stream of RawDocument records.

Reading streams one record at a time, so memory does not grow with the crawl. A folder written
by `datasets` `save_to_disk` is read as one dataset, not walked into (saved_dataset.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from ..records import RawDocument
from .fields import FieldKeys
from .formats import format_of, read_jsonl, read_parquet, read_saved_dataset, read_single, read_warc
from .rows import RecordInputError, input_kind, iter_record_input, peek
from .saved_dataset import saved_dataset_kind

__all__ = [
    "FieldKeys", "InputError", "check_paths", "iter_documents", "iter_inputs", "iter_record_documents", "split_inputs",
    "RawDocument",
]


class InputError(Exception):
    """A path given by the user that cannot be read at all (one-line message, exit 2)."""


def check_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Fail early, with one line, on arguments that do not exist or cannot be listed."""
    checked = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"no such file or folder: {raw}")
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise InputError(f"folder is not readable: {raw}")
        elif not os.access(path, os.R_OK):
            raise InputError(f"file is not readable: {raw}")
        checked.append(path)
    if not checked:
        raise InputError("no input paths given")
    return checked


def _walk(root: Path) -> Iterator[tuple[Path, str, str | None]]:
    """(file or dataset folder, id relative to root, error) in sorted order; hidden entries are
    skipped; a saved dataset folder comes whole, its files are not walked."""
    if root.is_file() or saved_dataset_kind(root):
        yield root, root.name, None
        return
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        base = Path(dirpath)
        subdirs = sorted(d for d in dirnames if not d.startswith("."))
        datasets = [d for d in subdirs if saved_dataset_kind(base / d)]
        dirnames[:] = [d for d in subdirs if d not in datasets]
        for name in sorted(f for f in filenames if not f.startswith(".")):
            path = base / name
            yield path, path.relative_to(root).as_posix(), None
        for name in datasets:  # after the files, like the folders os.walk goes into next
            yield base / name, (base / name).relative_to(root).as_posix(), None
        while errors:  # an unreadable sub-folder is reported as one rejected entry
            err = errors.pop()
            bad = Path(err.filename) if err.filename else base
            rel = bad.relative_to(root).as_posix() if bad != root else bad.name
            yield bad, rel + "/", f"unreadable folder: {err.strerror or err}"


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
    for record in iter_record_input(records, keys, max_document_bytes):
        record.doc_id = _unique(record.doc_id, seen)
        yield record


def iter_documents(paths: Iterable[str | os.PathLike], max_document_bytes: int = 10_000_000,
                   keys: FieldKeys = FieldKeys()) -> Iterator[RawDocument]:
    """Every document under `paths`, one record each; doc_ids are made unique."""
    seen: set[str] = set()
    for root in check_paths(paths):
        for path, rel, error in _walk(root):
            if error:
                records: Iterable[RawDocument] = [RawDocument.rejected(rel, str(path), error)]
            else:
                records = _read_file(path, rel, max_document_bytes, keys)
            for record in records:
                record.doc_id = _unique(record.doc_id, seen)
                yield record


def _read_file(path: Path, rel: str, limit: int, keys: FieldKeys) -> Iterator[RawDocument]:
    if path.is_dir():
        return read_saved_dataset(path, rel, limit, keys)
    fmt, gz = format_of(path)
    if fmt == "jsonl":
        return read_jsonl(path, rel, gz, limit, keys)
    if fmt == "parquet":
        return read_parquet(path, rel, gz, limit, keys)
    if fmt == "warc":
        return read_warc(path, rel, gz, limit)
    return read_single(path, rel, fmt, gz, limit)


def _unique(doc_id: str, seen: set[str]) -> str:
    """Two inputs can map to one id (same relative path under two folders, repeated JSON ids)."""
    if doc_id not in seen:
        seen.add(doc_id)
        return doc_id
    n = 2
    while f"{doc_id}~{n}" in seen:
        n += 1
    unique = f"{doc_id}~{n}"
    seen.add(unique)
    return unique
