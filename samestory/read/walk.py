"""The entries under the input paths, in reading order: what `plan_read_tasks` cuts into tasks.

The order is the reader's order since 0.1: each argument in turn; inside a folder a sorted
walk, the files of a folder before its sub-folders, `datasets` save_to_disk folders after the
files (read whole, never walked into); hidden names (a leading `.`) skipped. Entries that are
not read (special files, unreadable folders, samestory output folders, the run's own --out)
come with the reason, so each still gets a row.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Iterable, Iterator

from .saved_dataset import saved_dataset_kind

__all__ = [
    "InputError", "RUN_FOLDER_NOTE", "RUN_MARKERS", "check_paths", "identity", "is_run_folder", "readable_name",
    "walk_entries",
]


class InputError(Exception):
    """A path given by the user that cannot be read at all (one-line message, exit 2)."""


#: Files whose presence marks a folder as a samestory output folder.
RUN_MARKERS = ("run.json", "documents.parquet")
RUN_FOLDER_NOTE = "samestory output folder (has run.json and documents.parquet): skipped, not read as input"
OUT_FOLDER_NOTE = "the --out folder of this run: not read as input"

_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"),
)
SURROGATES = re.compile("[\ud800-\udfff]")


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


def readable_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (surrogate-escaped by the OS layer) become
    `\\xNN`, so the id stays readable, unique, and writable to Parquet and JSON."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def is_run_folder(folder: Path) -> bool:
    """A folder that holds the outputs of a samestory run (reading it would read those outputs)."""
    return all((folder / name).is_file() for name in RUN_MARKERS)


def not_regular(path: Path) -> str | None:
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


def identity(path: Path) -> tuple[int, int] | None:
    """(device, inode), or None when `path` cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def walk_entries(root: Path, skip: set[tuple[int, int]]) -> Iterator[tuple[Path, str, str | None]]:
    """(file, id relative to root, error) in sorted order; hidden entries are skipped, and so
    are the folders in `skip` (the run's own --out, by device and inode).

    Entries that are not read (special files, unreadable folders, samestory output folders)
    come with the reason as `error`, so each still gets a row."""
    if not root.is_dir():
        yield root, readable_name(root.name), not_regular(root)
        return
    if saved_dataset_kind(root):
        yield root, readable_name(root.name), None
        return
    if identity(root) in skip:
        yield root, readable_name(root.name) + "/", OUT_FOLDER_NOTE
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
            if skip and identity(base / name) in skip:
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
            yield path, readable_name(path.relative_to(root).as_posix()), not_regular(path)
        for name in datasets:
            yield base / name, readable_name((base / name).relative_to(root).as_posix()), None
    yield from drain()
