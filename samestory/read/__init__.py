"""Stage 1, read: paths (files or folders) or records to a stream of RawDocument records.

Reading streams one record at a time, so memory does not grow with the crawl. A folder written
by `datasets` `save_to_disk` is read as one dataset, not walked into (saved_dataset.py).
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Iterable, Iterator

from ..records import RawDocument
from .fields import FieldKeys
from .formats import format_of, read_jsonl, read_parquet, read_saved_dataset, read_single, read_warc
from .rows import RAISED_BY_CALLER, RecordInputError, input_kind, iter_record_input, peek
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
        shown = readable_name(str(path))
        if not path.exists():
            raise InputError(f"no such file or folder: {shown}")
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise InputError(f"folder is not readable: {shown}")
        elif not os.access(path, os.R_OK):
            raise InputError(f"file is not readable: {shown}")
        checked.append(path)
    if not checked:
        raise InputError("no input paths given")
    return checked


#: Files whose presence marks a folder as a samestory output folder.
RUN_MARKERS = ("run.json", "documents.parquet")

_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"),
)
_SURROGATES = re.compile("[\ud800-\udfff]")


def readable_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (surrogate-escaped by the OS layer) become
    `\\xNN`, so the id stays readable, unique, and writable to Parquet and JSON."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def is_run_folder(folder: Path) -> bool:
    """A folder that holds the outputs of a samestory run (reading it would read those outputs)."""
    return all((folder / name).is_file() for name in RUN_MARKERS)


def _not_regular(path: Path) -> str | None:
    """Why `path` is not read as a file (None for a regular file); never opens it: opening a
    FIFO blocks until a writer comes, and a device can be endless."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if os.path.islink(path):
            return f"broken symbolic link ({exc.strerror or exc})"
        return f"unreadable file: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    return f"not a regular file: {kind}, not read"


RUN_FOLDER_NOTE = "samestory output folder (has run.json and documents.parquet): skipped, not read as input"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _walk(root: Path, skip: set[tuple[int, int]]) -> Iterator[tuple[Path, str, str | None]]:
    """(file, id relative to root, error) in sorted order; hidden entries are skipped, and so
    are the folders in `skip` (the run's own --out, by device and inode).

    Entries that are not read (special files, unreadable folders, samestory output folders)
    come with the reason as `error`, so each still gets a row."""
    if not root.is_dir():
        yield root, readable_name(root.name), _not_regular(root)
        return
    if saved_dataset_kind(root):
        yield root, readable_name(root.name), None
        return
    if _identity(root) in skip:
        yield root, readable_name(root.name) + "/", "the --out folder of this run: not read as input"
        return
    if is_run_folder(root):
        yield root, readable_name(root.name) + "/", RUN_FOLDER_NOTE
        return
    errors: list[OSError] = []

    def drain() -> Iterator[tuple[Path, str, str | None]]:
        while errors:  # an unreadable sub-folder is reported as one rejected entry
            err = errors.pop(0)
            bad = Path(err.filename) if err.filename else root
            rel = readable_name(bad.relative_to(root).as_posix() if bad != root else bad.name)
            yield bad, rel + "/", f"unreadable folder: {err.strerror or err}"

    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        yield from drain()
        base = Path(dirpath)
        kept, datasets = [], []
        for name in sorted(d for d in dirnames if not d.startswith(".")):
            if skip and _identity(base / name) in skip:
                continue  # this run's own outputs: not input, no row
            if is_run_folder(base / name):
                yield base / name, readable_name((base / name).relative_to(root).as_posix()) + "/", RUN_FOLDER_NOTE
            elif saved_dataset_kind(base / name):
                datasets.append(name)  # read whole, after the files, like the folders walked next
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(f for f in filenames if not f.startswith(".")):
            path = base / name
            yield path, readable_name(path.relative_to(root).as_posix()), _not_regular(path)
        for name in datasets:
            yield base / name, readable_name((base / name).relative_to(root).as_posix()), None
    yield from drain()


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
    for record in _guarded(iter_record_input(records, keys, max_document_bytes), "records", "<records>"):
        _replace_surrogates(record)
        record.doc_id = _unique(record.doc_id, seen)
        yield record


def iter_documents(
    paths: Iterable[str | os.PathLike], max_document_bytes: int = 10_000_000, keys: FieldKeys = FieldKeys(),
    skip: Iterable[str | os.PathLike] = (),
) -> Iterator[RawDocument]:
    """Every document under `paths`, one record each; doc_ids are made unique. Folders in
    `skip` (a run's own --out inside an input folder) are not read."""
    seen: set[str] = set()
    skipped = {identity for identity in map(_identity, map(Path, skip)) if identity}
    for root in check_paths(paths):
        for path, rel, error in _walk(root, skipped):
            source = readable_name(str(path))
            if error:
                records: Iterable[RawDocument] = [RawDocument.rejected(rel, source, error)]
            else:
                records = _guarded(_read_file(path, rel, max_document_bytes, keys), rel, source)
            for record in records:
                record.source = source
                _replace_surrogates(record)
                record.doc_id = _unique(record.doc_id, seen)
                yield record


def _guarded(records: Iterator[RawDocument], rel: str, source: str) -> Iterator[RawDocument]:
    """A reader's records; should a reader still raise on some input nobody foresaw, the file
    ends with a rejected row naming the error instead of the run ending with a traceback."""
    count = 0
    try:
        for record in records:
            count += 1
            yield record
    except Exception as exc:  # a safety net: readers turn every known failure into rows themselves
        if getattr(exc, RAISED_BY_CALLER, False):
            raise  # the caller's own records iterator failed: theirs to see, not a row
        message = (str(exc).splitlines() or [""])[0][:200]
        yield RawDocument.rejected(
            f"{rel}#after-{count}" if count else rel, source,
            f"unreadable: {exc.__class__.__name__}: {message}; rest of file not read",
        )


def _replace_surrogates(record: RawDocument) -> None:
    """Lone surrogates (a JSON escape such as \\udcff, or a name the OS could not decode) cannot
    be written as UTF-8 by Arrow or JSON; they become U+FFFD, the replacement character."""
    for name in ("doc_id", "content", "url", "title", "date", "reason", "record_id"):
        value = getattr(record, name)
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                setattr(record, name, _SURROGATES.sub("\ufffd", value))
    if record.metadata:
        text = json.dumps(record.metadata, ensure_ascii=False)
        if _SURROGATES.search(text):  # the same, in any field kept as metadata
            record.metadata = json.loads(_SURROGATES.sub("\ufffd", text))


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
