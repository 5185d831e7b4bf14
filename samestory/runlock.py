"""One writer per run folder: a lock file in `--out` that names the run holding it.

    with RunLock(check_out(out, references)):
        ...  # the only run writing in `out`

`RunLock` creates `out/.samestory.lock`, takes an exclusive `flock` on it (the kernel drops
it when the process dies, even by kill -9) and writes its holder into it: pid, host and start
time. A second run on the same folder gets no lock and is refused with one line that names the
holder. The file is removed when the lock is released, on every exit path (and the folder too, when
the lock created it and the run left it empty); a file left by a
run that died (kill -9, power cut) is taken over, with a note, when its host is this one: the
free `flock` and the dead pid both say the run is gone. A lock left by another host is not
taken over (its pid cannot be checked from here, and `flock` may not reach across a network
file system): the line says which file to remove once that run is known to be gone.

`check_out` refuses, before anything is created or removed, an empty `--out` and a reference
run that is the `--out` or lies inside it (`--overwrite` would delete it before reading it).
`refuse_if_written` refuses a reference folder whose own run still holds its lock.

Locks are advisory: they keep samestory runs apart, not other programs.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

__all__ = ["LOCK_FILE", "RunLock", "RunLockError", "check_out", "refuse_if_written"]

LOCK_FILE = ".samestory.lock"  # hidden: readers skip it, and it is not an output
log = logging.getLogger("samestory")

# a file system without `flock` (some network and FUSE mounts): the lock file alone decides
_NO_KERNEL_LOCKS = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)


class RunLockError(Exception):
    """A run folder that another run holds, or that cannot be a run folder (one-line message)."""


def check_out(out: str | os.PathLike, references: Iterable[str | os.PathLike] = ()) -> Path:
    """The run folder as a Path, after the checks that need nothing on disk: an empty path
    (`--out ''` would write the run into the current folder) and a reference that is the
    folder or lies inside it."""
    if not os.fspath(out).strip():
        raise RunLockError("--out is an empty path: name a folder for the run (--out . for the current folder)")
    path = Path(out)
    here = path.resolve()
    for ref in references:
        where = Path(ref).resolve()
        if where == here or here in where.parents:
            inside = "is the --out folder" if where == here else f"is inside the --out folder {path}"
            raise RunLockError(f"--reference {ref} {inside}: a run cannot replace a reference it reads; "
                               "choose another --out")
    return path


def _holder_line(data: dict) -> str:
    return f"pid {data.get('pid', '?')} on {data.get('host', '?')}, started {data.get('started', '?')}"


def _read(fd: int) -> dict | None:
    """The holder recorded in an open lock file (None when empty or unreadable: a run that died
    between creating the file and writing it)."""
    try:
        raw = os.pread(fd, 4096, 0)
        data = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


class RunLock:
    """The lock of one run folder (a context manager; `acquire`/`release` for the same by hand).
    `note` says when a lock left by a run that died was taken over."""

    def __init__(self, out: str | os.PathLike):
        self.out = Path(out)
        self.path = self.out / LOCK_FILE
        self.note: str | None = None
        self._fd: int | None = None
        self._inode: int | None = None
        self._created = False

    def __enter__(self) -> "RunLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise RunLockError(f"--out {self.out} exists and is not a folder")
        self._created = not self.out.exists()
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where a folder of the path should be, no permission...
            raise RunLockError(f"cannot create --out folder {self.out}: {exc.strerror or exc}") from None
        me = {"pid": os.getpid(), "host": socket.gethostname(),
              "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        for _ in range(10):  # another run may remove or replace the file between our steps
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                exc.filename = exc.filename or str(self.path)
                raise  # read-only or full: a fault the caller reports in one line
            try:
                previous = self._lock(fd, me)
            except BaseException:
                os.close(fd)
                raise
            if previous is False:  # the file we locked was removed or replaced meanwhile
                os.close(fd)
                continue
            self._fd, self._inode = fd, os.fstat(fd).st_ino
            if previous:
                self.note = (f"took over the lock of a run in {self.out} that is no longer running "
                             f"({_holder_line(previous)})")
                log.warning("%s", self.note)
            return
        raise RunLockError(f"cannot lock {self.path}: other runs keep replacing it")

    def _lock(self, fd: int, me: dict) -> dict | None | bool:
        """Lock the open file and write `me` into it; the holder it held before (a run that
        died), None for a new file, False when the file is no longer the one at the path."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            kernel = True
        except BlockingIOError:
            raise RunLockError(self._busy(_read(fd))) from None
        except OSError as exc:
            if exc.errno not in _NO_KERNEL_LOCKS:
                raise
            kernel = False
        try:
            if os.fstat(fd).st_ino != os.stat(self.path).st_ino:
                return False
        except FileNotFoundError:
            return False
        previous = _read(fd)
        if previous is not None:
            same_host = previous.get("host") == me["host"]
            if not same_host or (not kernel and _alive(previous.get("pid"))):
                # no flock says it is gone: the pid does, but only on this host
                raise RunLockError(self._busy(previous) if same_host else
                                   f"{self.out} is locked by a samestory run on another host ({_holder_line(previous)}); "
                                   f"if that run is gone, remove {self.path}")
        data = (json.dumps(me, sort_keys=True) + "\n").encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        os.fsync(fd)
        return previous

    def _busy(self, holder: dict | None) -> str:
        who = _holder_line(holder) if holder else "its holder has not written its name yet"
        return f"{self.out} is in use by another samestory run ({who}); wait for it to end, or choose another --out"

    def release(self) -> None:
        """Remove the lock file (the successor creates a new one), then unlock it."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if os.stat(self.path).st_ino == self._inode:
                os.unlink(self.path)
        except OSError:  # gone already, or a read-only folder now: the kernel lock still ends below
            pass
        os.close(fd)
        if self._created:  # a run refused before it wrote anything leaves no empty folder
            try:
                os.rmdir(self.out)
            except OSError:
                pass


def refuse_if_written(folder: str | os.PathLike, role: str = "--reference") -> None:
    """Refuse a folder that a live samestory run holds (its outputs are being replaced)."""
    path = Path(folder) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return  # no lock file: no run writing there
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read(fd)
        who = _holder_line(holder) if holder else "a run"
        raise RunLockError(f"{role} {folder} is being written by another samestory run ({who}); "
                           "wait for it to end") from None
    except OSError:
        pass  # no kernel locks here: nothing to tell
    finally:
        os.close(fd)
