"""Read tasks: the input cut into small picklable descriptions that workers read.

The driver plans; it lists the files and stats them, and never parses a record:

    tasks = plan_read_tasks(paths, settings.read, skip=(out,), target_bytes=64 << 20)
    scans = {t.index: scan_read_task(t, settings.read) for t in tasks if t.needs_scan}  # workers
    tasks = number_read_tasks(tasks, scans)                                               # driver
    for task in tasks:                                                                    # workers
        documents = read_task(task, settings.read, outcome)

`read_plan` does the three planning steps with any `map` (an executor's, or the builtin).
The documents of the tasks, in task order, are those `iter_documents` yields, with the same
ids before they are made unique (unique.py does that step without holding every id):

- **whole entries** (`Entry`): an HTML, text or unknown file, a gzipped file of any kind (a
  gzip stream can only be read from its start; multi-member gzip JSON Lines would need a scan
  to find its members, and is rare), a `datasets` folder (its row numbers run across shards,
  and a broken shard ends it), a JSON file that opens with an array or not with `{`, a small
  file, and the entries that are not read (their rejected row). Consecutive whole entries
  share a task up to `target_bytes` (and `MAX_ENTRIES_PER_TASK` entries);
- **JSON Lines parts** (`JsonlPart`): a plain `.jsonl/.json/.ndjson` file over `target_bytes`
  that starts with `{`, cut into byte ranges. A part starts at the first line that begins in
  its range; the part before finishes that line. Its first line number is the newlines in
  front of it, counted by the scans (`count_newlines`, one per part but the last: a read of
  the bytes, no parsing; see QUESTIONS.md for the measure). A part whose boundary falls inside
  a multi-line value reads on to the end of its file and says so (`ReadOutcome`): the file's
  later parts are void (`void_tasks`);
- **Parquet parts** (`ParquetPart`): runs of row groups of a plain Parquet file, from its
  footer (the planner reads the footer, never a page);
- **WARC/WET parts** (`WarcPart`): byte ranges of a WARC file, plain or gzipped per record,
  whose record starts the scans find and check (warc_parts.py); a file whose parts do not
  agree, or that is broken anywhere, becomes one whole entry again;
- **records** (`RecordRows`): rows given in memory to the Python API, which workers cannot
  read from disk: the driver streams them into tasks (`record_tasks`).

Paths that name one file (a file given twice, a folder and a file inside it, a symbolic link
to a file already read) are read once, at their first place, with a warning in the log.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..records import RawDocument
from . import formats
from .fields import FieldKeys
from .formats import format_of
from .limits import CHUNK, file_budget
from .rows import API_PREFIX, iter_rows, record_document
from .walk import SURROGATES, check_paths, identity, readable_name, walk_entries
from .warc_parts import WarcScan, read_warc_part, scan_warc_part

__all__ = [
    "DEFAULT_TARGET_BYTES", "Entry", "JsonlPart", "ParquetPart", "ReadOutcome", "ReadTask", "RecordRows", "WarcPart",
    "number_read_tasks", "plan_read_tasks", "read_plan", "read_task", "record_tasks", "scan_read_task", "void_tasks",
]

log = logging.getLogger("samestory")

#: Input bytes per task: big enough that a task's overhead (a process hop, a part file) is
#: small, small enough that a 1 GB file keeps 16 workers busy.
DEFAULT_TARGET_BYTES = 64 << 20
#: Whole entries per task at most (a folder of tiny pages would make one task's description large).
MAX_ENTRIES_PER_TASK = 4096
#: Bytes the planner reads at the head of a big JSON file: is it JSON Lines (`{`) or one array?
JSON_PEEK_BYTES = 4096


@dataclass(frozen=True)
class Entry:
    """One whole file or `datasets` folder, or an entry that is not read (`error`: its reason)."""

    path: str
    rel: str
    source: str
    error: str | None = None
    size: int = 0


@dataclass(frozen=True)
class JsonlPart:
    """Bytes [start, end) of a plain JSON Lines file (end None: to the end), part `part` of `parts`.
    The newline counts in front of start and end are set by `number_read_tasks`."""

    path: str
    rel: str
    source: str
    part: int
    parts: int
    start: int
    end: int | None
    newlines_before_start: int | None = None
    newlines_before_end: int | None = None


@dataclass(frozen=True)
class ParquetPart:
    """Row groups [first_group, end_group) of a plain Parquet file; `rows_before` rows come first."""

    path: str
    rel: str
    source: str
    first_group: int
    end_group: int
    rows_before: int


@dataclass(frozen=True)
class WarcPart:
    """Bytes [start, end) of a WARC file as stored (end None: to the end), part `part` of
    `parts`. `number_read_tasks` sets `begin` (the first record start), `records_before` and
    `records` (None: to the end of the file)."""

    path: str
    rel: str
    source: str
    gz: bool
    part: int
    parts: int
    start: int
    end: int | None
    begin: int | None = None
    records_before: int | None = None
    records: int | None = None


@dataclass(frozen=True)
class RecordRows:
    """Rows given in memory: a list (dicts, or anything: a non-dict is a rejected row) or an
    Arrow table/batch; numbered from `first_number` within `split` ("" outside a DatasetDict)."""

    split: str
    first_number: int
    rows: Any


Item = Entry | JsonlPart | ParquetPart | WarcPart | RecordRows


@dataclass(frozen=True)
class ReadTask:
    """One unit of reading: its items' documents, in order, follow those of the tasks before it."""

    index: int
    items: tuple[Item, ...]

    @property
    def needs_scan(self) -> bool:
        """Does `number_read_tasks` need this task's scan (`scan_read_task`)?"""
        return any(
            (isinstance(item, JsonlPart) and item.part < item.parts - 1 and item.newlines_before_end is None)
            or (isinstance(item, WarcPart) and item.records_before is None)
            for item in self.items
        )


@dataclass
class ReadOutcome:
    """What reading a task found beyond its documents: the files whose later parts it read."""

    reads_to_end: list[str] = field(default_factory=list)


# --- planning -----------------------------------------------------------------------------


def plan_read_tasks(paths: Iterable[str | os.PathLike], read=None, skip: Iterable[str | os.PathLike] = (),
                    target_bytes: int | None = DEFAULT_TARGET_BYTES) -> list[ReadTask]:
    """The tasks that read `paths`, in reading order (see the module docstring).

    Cheap: it walks and stats; it reads the head of a big JSON file (JSON_PEEK_BYTES) and the
    footer of a big Parquet file, nothing else. `skip`: folders not read (the run's own --out).
    `target_bytes` None: every file whole (no scans needed). `read` (ReadSettings) is not needed
    to plan and is accepted so that every step takes the same settings."""
    skipped = {ident for ident in map(identity, map(Path, skip)) if ident}
    keys = read.field_keys if read is not None else FieldKeys()
    items: list[Item] = []
    read_once: set[str] = set()
    for root in check_paths(paths):
        repeated = []
        for path, rel, error in walk_entries(root, skipped):
            source = readable_name(str(path))
            if error:
                items.append(Entry(str(path), rel, source, error))
                continue
            real = os.path.realpath(path)
            if real in read_once:
                repeated.append(rel)
                continue
            read_once.add(real)
            items.extend(_file_items(path, rel, source, target_bytes, keys))
        if repeated:
            shown = ", ".join(repeated[:3]) + (f" and {len(repeated) - 3} more" if len(repeated) > 3 else "")
            log.warning("%s: %d file(s) already read under an earlier path, read once: %s",
                        readable_name(str(root)), len(repeated), shown)
    return _group(items, target_bytes)


def _file_items(path: Path, rel: str, source: str, target: int | None, keys: FieldKeys) -> list[Item]:
    try:
        size = path.stat().st_size if not path.is_dir() else 0
    except OSError:
        size = 0
    whole = [Entry(str(path), rel, source, size=size)]
    if path.is_dir() or target is None or size <= target:
        return whole
    fmt, gz = format_of(path)
    parts = -(-size // target)
    cuts = [size * k // parts for k in range(parts + 1)]
    if fmt == "jsonl" and not gz and _opens_with_object(path):
        return [JsonlPart(str(path), rel, source, k, parts, cuts[k], cuts[k + 1] if k + 1 < parts else None)
                for k in range(parts)]
    if fmt == "warc" and not _is_arc(path):
        return [WarcPart(str(path), rel, source, gz, k, parts, cuts[k], cuts[k + 1] if k + 1 < parts else None)
                for k in range(parts)]
    if fmt == "parquet" and not gz:
        return _parquet_parts(path, rel, source, target, keys) or whole
    return whole


def _is_arc(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".arc") or name.endswith(".arc.gz")


def _opens_with_object(path: Path) -> bool:
    """Does the file's first value (after a UTF-8 byte order mark and blanks) open with `{` on a
    line that goes on? A file that opens with an array, with a lone `{` line (a pretty-printed
    object), or holds only blanks this far, is read whole. (A split file that turns out to hold
    multi-line values is still read right, see JsonlPart: this only spares the wasted parts.)"""
    try:
        with open(path, "rb") as fh:
            head = fh.read(JSON_PEEK_BYTES)
    except OSError:
        return False
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return head.startswith(b"{") and head.split(b"\n", 1)[0].strip() != b"{"


def _parquet_parts(path: Path, rel: str, source: str, target: int, keys: FieldKeys) -> list[Item] | None:
    """Runs of row groups of about `target` compressed bytes, or None (read whole: one run, or a
    file that the whole-file reader must report on: unreadable, no text column, no rows)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
        names = set(meta.schema.to_arrow_schema().names)
    except Exception:  # pyarrow raises several types for corrupt files: the whole-file reader says why
        return None
    if formats._no_text_column(names, keys) is not None or meta.num_rows == 0:
        return None
    runs: list[Item] = []
    first = rows_before = rows = size = 0
    for group in range(meta.num_row_groups):
        info = meta.row_group(group)
        size += sum(info.column(c).total_compressed_size for c in range(info.num_columns))
        rows += info.num_rows
        if size >= target or group == meta.num_row_groups - 1:
            runs.append(ParquetPart(str(path), rel, source, first, group + 1, rows_before))
            first, rows_before, rows, size = group + 1, rows_before + rows, 0, 0
    return runs if len(runs) > 1 else None


def _group(items: list[Item], target: int | None) -> list[ReadTask]:
    """Consecutive whole entries share a task up to `target` bytes; a part is a task of its own."""
    groups: list[list[Item]] = []
    current: list[Item] = []
    weight = 0
    for item in items:
        if not isinstance(item, Entry):
            if current:
                groups.append(current)
                current, weight = [], 0
            groups.append([item])
            continue
        current.append(item)
        weight += item.size if item.error is None else 0
        if (target is not None and weight >= target) or len(current) >= MAX_ENTRIES_PER_TASK:
            groups.append(current)
            current, weight = [], 0
    if current:
        groups.append(current)
    return [ReadTask(index, tuple(group)) for index, group in enumerate(groups)]


# --- scans and numbering ------------------------------------------------------------------


@dataclass(frozen=True)
class JsonlScan:
    newlines: int  # newline bytes in the part's [start, end)


def scan_read_task(task: ReadTask, read=None) -> JsonlScan | WarcScan:
    """The scan of a task with `needs_scan` (a part of a split file), run in a worker."""
    (item,) = task.items
    if isinstance(item, JsonlPart):
        return JsonlScan(formats.count_newlines(Path(item.path), item.start, item.end))
    if isinstance(item, WarcPart):
        limit = read.max_document_bytes if read is not None else 10_000_000
        end = item.end if item.end is not None else os.stat(item.path).st_size
        return scan_warc_part(Path(item.path), item.gz, item.start, end, limit)
    raise TypeError(f"task {task.index} needs no scan")


def number_read_tasks(tasks: list[ReadTask], scans: dict[int, JsonlScan | WarcScan], read=None) -> list[ReadTask]:
    """The tasks with the scans' counts set (line and record numbers), the WARC files whose
    parts do not agree made whole again, and indexes renumbered; runs in the driver (its cost
    is a few integers per part)."""
    limit = read.max_document_bytes if read is not None else 10_000_000
    out: list[list[Item]] = []
    i = 0
    while i < len(tasks):
        item = tasks[i].items[0]
        if not isinstance(item, (JsonlPart, WarcPart)):
            out.append(list(tasks[i].items))
            i += 1
            continue
        j = i + 1  # the parts of one file follow each other
        while j < len(tasks) and type(tasks[j].items[0]) is type(item) and tasks[j].items[0].path == item.path:
            j += 1
        parts = [t.items[0] for t in tasks[i:j]]
        file_scans = [scans.get(t.index) for t in tasks[i:j]]
        if isinstance(item, JsonlPart):
            out.extend([part] for part in _number_jsonl(parts, file_scans))
        else:
            out.extend([part] for part in _number_warc(parts, file_scans, limit))
        i = j
    return [ReadTask(index, tuple(items)) for index, items in enumerate(out)]


def _number_jsonl(parts: list[JsonlPart], scans: list) -> list[JsonlPart]:
    before = 0
    numbered = []
    for k, part in enumerate(parts):
        if part.newlines_before_start is not None:  # numbered already
            return parts
        after = None
        if k < len(parts) - 1:
            scan = scans[k]
            if not isinstance(scan, JsonlScan):
                raise ValueError(f"no scan for part {k + 1} of {part.source}")
            after = before + scan.newlines
        numbered.append(replace(part, newlines_before_start=before, newlines_before_end=after))
        before = after if after is not None else before
    return numbered


def _number_warc(parts: list[WarcPart], scans: list, limit: int) -> list[Item]:
    first = parts[0]
    if first.records_before is not None:
        return parts
    whole = [Entry(first.path, first.rel, first.source, size=os.stat(first.path).st_size)]
    if any(not isinstance(scan, WarcScan) for scan in scans):
        raise ValueError(f"no scan for a part of {first.source}")
    if any(scan.odd for scan in scans):
        return whole
    used = [(part, scan) for part, scan in zip(parts, scans) if scan.begin is not None]
    if len(used) < 2 or used[0][1].begin != 0:
        return whole  # one record start only (a single gzip member): nothing to share out
    for (_, scan), (_, after) in zip(used, used[1:]):
        if scan.handoff != after.begin:
            return whole  # a guessed record start that is not one: the parts disagree
    if used[-1][1].handoff is not None or not sum(scan.documents for _, scan in used):
        return whole  # ... or a "no records" file: its row needs the whole file
    if first.gz:
        budget = file_budget(Path(first.path), True, limit)
        if sum(scan.decompressed for _, scan in used) + 2 * CHUNK > budget:
            return whole  # near its gzip budget: where the budget runs out is the whole reader's
    numbered, before = [], 0
    for n, (part, scan) in enumerate(used):
        last = n == len(used) - 1
        numbered.append(replace(part, begin=scan.begin, records_before=before, records=None if last else scan.records))
        before += scan.records
    return numbered


def read_plan(paths: Iterable[str | os.PathLike], read=None, skip: Iterable[str | os.PathLike] = (),
              target_bytes: int | None = DEFAULT_TARGET_BYTES, map: Callable = map) -> list[ReadTask]:
    """plan_read_tasks, the scans (through `map`, e.g. an executor's), number_read_tasks."""
    tasks = plan_read_tasks(paths, read, skip, target_bytes)
    scanned = [task for task in tasks if task.needs_scan]
    if not scanned:
        return tasks
    results = map(scan_read_task, scanned, [read] * len(scanned))
    return number_read_tasks(tasks, {task.index: result for task, result in zip(scanned, results)}, read)


def void_tasks(tasks: list[ReadTask], outcomes: dict[int, ReadOutcome]) -> set[int]:
    """Indexes of the tasks whose documents are void: the later parts of a file that an
    earlier part read to its end (ReadOutcome.reads_to_end)."""
    voided: set[int] = set()
    for index in sorted(outcomes):
        if index in voided:
            continue
        for path in outcomes[index].reads_to_end:
            voided.update(t.index for t in tasks[index + 1:]
                          if isinstance(t.items[0], JsonlPart) and t.items[0].path == path)
    return voided


# --- reading ------------------------------------------------------------------------------


def read_task(task: ReadTask, read=None, outcome: ReadOutcome | None = None) -> Iterator[RawDocument]:
    """The documents of `task`, as `iter_documents` yields them for that part of the input,
    before ids are made unique. Runs in a worker. `read`: ReadSettings (defaults when None).
    `outcome`, when given, learns whether a JSON Lines part read to the end of its file."""
    limit = read.max_document_bytes if read is not None else 10_000_000
    keys = read.field_keys if read is not None else FieldKeys()
    for item in task.items:
        if isinstance(item, RecordRows):
            documents = _record_documents(item, limit, keys)
            source = None
        else:
            documents = _guarded(_item_documents(item, limit, keys, outcome), item.rel, item.source)
            source = item.source
        for document in documents:
            if source is not None:
                document.source = source
            _replace_surrogates(document)
            yield document


def _item_documents(item: Item, limit: int, keys: FieldKeys, outcome: ReadOutcome | None) -> Iterator[RawDocument]:
    path = Path(item.path)
    if isinstance(item, Entry):
        if item.error:
            return iter([RawDocument.rejected(item.rel, item.source, item.error)])
        return _read_entry(path, item.rel, limit, keys)
    if isinstance(item, JsonlPart):
        if item.newlines_before_start is None:
            raise ValueError(f"part {item.part + 1} of {item.source} read before number_read_tasks")
        return _jsonl_part(path, item, limit, keys, outcome)
    if isinstance(item, ParquetPart):
        return formats.read_parquet_groups(path, item.rel, limit, keys, item.first_group, item.end_group,
                                           item.rows_before)
    if isinstance(item, WarcPart):
        if item.records_before is None:
            raise ValueError(f"part {item.part + 1} of {item.source} read before number_read_tasks")
        return read_warc_part(path, item.rel, item.gz, limit, item.begin, item.records_before, item.records)
    raise TypeError(f"not a read task item: {type(item).__name__}")


def _jsonl_part(path: Path, item: JsonlPart, limit: int, keys: FieldKeys, outcome: ReadOutcome | None):
    boundaries: list = []
    yield from formats.read_jsonl_part(path, item.rel, limit, keys, item.start, item.end,
                                       item.newlines_before_start or 0, item.newlines_before_end, boundaries)
    if outcome is not None and any(b.reads_to_end for b in boundaries):
        outcome.reads_to_end.append(item.path)


def _read_entry(path: Path, rel: str, limit: int, keys: FieldKeys) -> Iterator[RawDocument]:
    """A whole file or folder, by today's reader of its format."""
    if path.is_dir():
        return formats.read_saved_dataset(path, rel, limit, keys)
    fmt, gz = format_of(path)
    if fmt == "jsonl":
        return formats.read_jsonl(path, rel, gz, limit, keys)
    if fmt == "parquet":
        return formats.read_parquet(path, rel, gz, limit, keys)
    if fmt == "warc":
        return formats.read_warc(path, rel, gz, limit)
    return formats.read_single(path, rel, fmt, gz, limit)


def _guarded(records: Iterator[RawDocument], rel: str, source: str) -> Iterator[RawDocument]:
    """A reader's records; should a reader still raise on some input nobody foresaw, the file
    (or part) ends with a rejected row naming the error instead of the run ending with a
    traceback. (The row's `after-N` counts the records of that part: a bug's row is the one
    place where the split shows.)"""
    count = 0
    try:
        for record in records:
            count += 1
            yield record
    except Exception as exc:  # a safety net: readers turn every known failure into rows themselves
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
                setattr(record, name, SURROGATES.sub("\ufffd", value))
    if record.metadata:
        text = json.dumps(record.metadata, ensure_ascii=False)
        if SURROGATES.search(text):  # the same, in any field kept as metadata
            record.metadata = json.loads(SURROGATES.sub("\ufffd", text))


# --- records given in memory --------------------------------------------------------------


def record_tasks(records: Any, rows_per_task: int = 1024, first_index: int = 0) -> Iterator[ReadTask]:
    """Tasks for records given in memory (split_inputs' records: dicts, an Arrow table, a
    pandas DataFrame, a `datasets` Dataset or DatasetDict), streamed: the driver holds one
    task's rows at a time. Arrow inputs travel as Arrow batches; rows are mapped to documents
    in the worker. An exception of the caller's iterator propagates."""
    index = first_index
    for split, first_number, rows in iter_rows(records, rows_per_task):
        yield ReadTask(index, (RecordRows(split, first_number, rows),))
        index += 1


def _record_documents(item: RecordRows, limit: int, keys: FieldKeys) -> Iterator[RawDocument]:
    rel = f"{API_PREFIX}/{item.split}" if item.split else API_PREFIX
    source = f"<{API_PREFIX}>"
    rows = item.rows.to_pylist() if hasattr(item.rows, "to_pylist") else item.rows
    for number, row in enumerate(rows, start=item.first_number):
        if not isinstance(row, Mapping):
            kind = type(row).__name__
            yield RawDocument.rejected(f"{rel}#{number}", source, f"item {number} is not a record (a dict), it is {kind}")
            continue
        yield record_document(row, rel, number, source, limit, keys)
