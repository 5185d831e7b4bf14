"""What one input file may cost: decompressed bytes (gzip bombs) and the size of one record.

Every reader opens its file through `open_bounded`, so a gzip bomb, a 200 MB line or a record
that claims a terabyte stops at a known number of bytes whatever the format.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

#: Real crawls compress 3-15x (text, HTML), rarely beyond 50x; a file that expands more than
#: this many times its compressed size is treated as a bomb and not read further.
GZIP_MAX_RATIO = 200
#: Parquet compresses its pages already, so gzip around it gains little; the file is unpacked to
#: a temporary file (Parquet needs random access), which this keeps small.
PARQUET_GZIP_MAX_RATIO = 50
#: ...but a small compressed file may always expand to a few documents' worth.
GZIP_MIN_BUDGET_DOCUMENTS = 4
#: Bytes read at once when streaming.
CHUNK = 1 << 16

GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


class BudgetExceeded(Exception):
    """The decompressed stream of one file went past its budget."""

    def __init__(self, budget: int, ratio: int):
        super().__init__(budget)
        self.budget = budget
        self.ratio = ratio

    @property
    def reason(self) -> str:
        return (
            f"decompressed data over this file's budget ({self.budget / 1e6:.1f} MB, "
            f"{self.ratio}x the compressed size): likely a gzip bomb; rest of file not read"
        )


def file_budget(path: Path, gz: bool, limit: int, ratio: int = GZIP_MAX_RATIO) -> int | None:
    """Decompressed bytes one file may produce; None for a plain file (its size is the bound)."""
    if not gz:
        return None
    return max(ratio * path.stat().st_size, GZIP_MIN_BUDGET_DOCUMENTS * limit)


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from `inner` and raises BudgetExceeded past `budget`."""

    def __init__(self, inner, budget: int | None, ratio: int):
        self.inner = inner
        self.budget = budget
        self.ratio = ratio
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if isinstance(self.inner, gzip.GzipFile):
            # one decompression step: GzipFile.readinto loops and drops what it decompressed
            # when the stream turns out truncated, losing the records before the break
            data = self.inner.read1(len(buffer))
            n = len(data)
            buffer[:n] = data
        else:
            n = self.inner.readinto(buffer)
        self.count += n
        if self.budget is not None and self.count > self.budget:
            raise BudgetExceeded(self.budget, self.ratio)
        return n

    def seekable(self) -> bool:
        return self.inner.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.inner.seek(offset, whence)

    def tell(self) -> int:
        return self.inner.tell()

    def close(self) -> None:
        self.inner.close()
        super().close()


def open_bounded(path: Path, gz: bool, limit: int, ratio: int = GZIP_MAX_RATIO) -> io.BufferedReader:
    """A buffered binary reader of the file's (decompressed) bytes, within the file's budget.

    Reads raise BudgetExceeded past the budget and the GZIP_ERRORS for a broken gzip stream.
    """
    inner = gzip.open(path, "rb") if gz else open(path, "rb", buffering=0)
    return bounded_reader(inner, file_budget(path, gz, limit, ratio), ratio)


def bounded_reader(inner, budget: int | None, ratio: int = GZIP_MAX_RATIO) -> io.BufferedReader:
    """A buffered reader of the raw stream `inner` that raises BudgetExceeded past `budget` bytes."""
    return io.BufferedReader(_CountingReader(inner, budget, ratio), buffer_size=CHUNK)


def gzip_reason(exc: Exception) -> str:
    if isinstance(exc, EOFError):
        return "truncated gzip file (compressed stream ends early)"
    return f"corrupt gzip file ({exc})"


def skip_line(fh) -> None:
    """Read past the end of the current line without holding it (a 200 MB line costs CHUNK)."""
    while True:
        piece = fh.readline(CHUNK)
        if not piece or piece.endswith(b"\n"):
            return
