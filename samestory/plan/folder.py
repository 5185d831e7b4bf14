"""The work folder (`OUT/_work/`): every step's part files and one completion marker per task.

A step's task writes its files under the step's folder, each through a temporary name and a
rename, then its marker `<step>/<task>.done`: a small JSON file with the size and xxh3
checksum of every file the task wrote and the task's summary (counts the plan needs). A task
is complete when its marker exists and every file it names is there with that size and
checksum; nothing else counts. So:

- a killed run leaves complete tasks and, at worst, temporary files (removed on resume);
- `--resume` re-runs exactly the tasks that are not complete (the same way for every step);
- a damaged work file (a flipped byte, a truncated file) makes its task incomplete again: it
  is rebuilt from its input, never read as if it were whole.

Markers are written by the worker that ran the task, after its files are synced, so a marker
on disk means the files are too (a power cut included). The folder is plain files: on a
cluster it must be storage every node mounts at the same path.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import xxhash

__all__ = ["WorkFolder", "TaskFiles", "write_atomically", "file_checksum", "DONE_SUFFIX", "WorkFolderError"]

DONE_SUFFIX = ".done"
_TMP = ".tmp"
_CHUNK = 8 << 20


class WorkFolderError(Exception):
    """A work folder that cannot be used as asked (one-line message)."""


def file_checksum(path: Path) -> str:
    """xxh3-64 of a file's bytes, as hex (read in chunks: the files are often in page cache,
    where this runs at several GB/s)."""
    digest = xxhash.xxh3_64()
    with open(path, "rb") as handle:
        while True:
            block = handle.read(_CHUNK)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, write: Callable[[Path], None], sync: bool = True) -> None:
    """Write through a temporary name in the same folder, (fsync,) then rename: a reader sees
    the whole file or none of it, even after kill -9 or a power cut."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}{_TMP}")
    try:
        write(tmp)
        if sync:
            _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass
class TaskFiles:
    """The files one task writes: it asks for paths (`path(name)`), writes them (atomically, see
    `write`), and the runner records their sizes and checksums in the task's marker."""

    folder: "WorkFolder"
    step: str
    task: str

    def path(self, name: str) -> Path:
        """Where this task's file `name` goes: `<step>/<task>.<name>`."""
        return self.folder.step_dir(self.step) / f"{self.task}.{name}"

    def write(self, name: str, write: Callable[[Path], None]) -> Path:
        path = self.path(name)
        write_atomically(path, write, sync=False)  # synced together before the marker (finish)
        return path

    def written(self) -> list[Path]:
        prefix = f"{self.task}."
        folder = self.folder.step_dir(self.step)
        return sorted(p for p in folder.iterdir()
                      if p.name.startswith(prefix) and not p.name.endswith(DONE_SUFFIX) and p.is_file())


class WorkFolder:
    """`OUT/_work/`: step folders of part files with their markers, and `rows/` for the compact
    per-row arrays the driver shares with tasks."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def step_dir(self, step: str) -> Path:
        folder = self.path / step
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def files(self, step: str, task: str) -> TaskFiles:
        return TaskFiles(self, step, task)

    def marker(self, step: str, task: str) -> Path:
        return self.path / step / f"{task}{DONE_SUFFIX}"

    def finish(self, files: TaskFiles, summary: dict) -> dict:
        """Sync the task's files, then write its marker (what makes the task complete)."""
        entries = {}
        for path in files.written():
            _fsync(path)
            entries[path.name] = [path.stat().st_size, file_checksum(path)]
        record = {"files": entries, "summary": summary}
        text = json.dumps(record, sort_keys=True, separators=(",", ":"))
        write_atomically(self.marker(files.step, files.task), lambda p: p.write_text(text, encoding="utf-8"))
        return summary

    def completed(self, step: str, task: str, verify: bool = True) -> dict | None:
        """The summary of a complete task; None when it is not (no marker, a file missing,
        resized or with another checksum: then its marker is removed, so it runs again)."""
        marker = self.marker(step, task)
        try:
            record = json.loads(marker.read_text(encoding="utf-8"))
            files = record["files"]
            summary = record["summary"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            marker.unlink(missing_ok=True)  # a damaged marker: the task is not complete
            return None
        folder = self.path / step
        for name, (size, checksum) in files.items():
            path = folder / name
            try:
                ok = path.stat().st_size == size and (not verify or file_checksum(path) == checksum)
            except OSError:
                ok = False
            if not ok:
                marker.unlink(missing_ok=True)
                return None
        return summary

    def drop_step(self, step: str) -> None:
        """Forget every task of a step (a later step after an earlier one changed)."""
        shutil.rmtree(self.path / step, ignore_errors=True)

    def remove_temporary(self) -> int:
        """Half-written files of a killed run; returns how many went."""
        count = 0
        if not self.path.exists():
            return 0
        for path in self.path.rglob(f".*{_TMP}"):
            path.unlink(missing_ok=True)
            count += 1
        return count

    def steps(self) -> Iterable[str]:
        return sorted(p.name for p in self.path.iterdir() if p.is_dir()) if self.path.exists() else []
