"""Which field of a record is the text, id, URL, date and title; every other field kept.

Records come as JSONL/JSON lines, Parquet or Arrow rows, or `datasets` rows. A field is
named by a key or a dotted path (`metadata.url`): the path first matches a key spelled with
the dots, then walks nested objects; a nested object stored as a JSON string (RedPajama's
`meta`) is walked too. Keys the user names are the only ones tried for that field; otherwise
the fallbacks below are tried in order, the first present (not null) wins.

The fallbacks follow the layouts curators meet:
- datatrove (JsonlWriter/ParquetWriter): `text`, `id`, `metadata.url`, `metadata.date`, other
  fields under `metadata` (or all at top level with `expand_metadata`);
- FineWeb / FineWeb-Edu: `text`, `id`, `url`, `date`, `dump`, `file_path`, `language`, ...;
- RedPajama V2: `raw_content`, `doc_id`, `meta` (a JSON string: url, source_domain,
  date_download, ...), `quality_signals`; RedPajama-1T and CCNet: `text`/`raw_content`,
  `meta`, `url`, `title`, `date_download`;
- C4: `text`, `url`, `timestamp`;
- Common Crawl WET records as converted to JSON: WARC header names (`WARC-Target-URI`,
  `WARC-Date`, `WARC-Record-ID`).
Note that FineWeb's, datatrove's and WET's `date` is the crawl time, not the publication
date: it still bounds the publication from above, which is what the original choice needs.

Every field not mapped goes to `metadata`, JSON-safe and with sorted keys. The fields of a
`metadata` or `meta` container are lifted to the top level of `metadata` (as datatrove's
reader does), minus the mapped ones; a lifted name that clashes with a top-level field is
kept as `<container>.<name>`, so nothing is lost.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

import numpy as np

__all__ = [
    "FALLBACKS",
    "FieldKeys",
    "FieldKeyError",
    "MappedRecord",
    "json_safe",
    "map_record",
]

MAPPED = ("text", "id", "url", "date", "title")

FALLBACKS: dict[str, tuple[str, ...]] = {
    "text": ("text", "raw_content", "content"),
    "id": ("id", "doc_id", "WARC-Record-ID"),
    "url": ("url", "metadata.url", "meta.url", "WARC-Target-URI"),
    "date": (
        "date", "metadata.date", "meta.date", "published_date", "date_published",
        "timestamp", "metadata.timestamp", "meta.timestamp",
        "date_download", "meta.date_download", "WARC-Date",
    ),
    "title": ("title", "metadata.title", "meta.title"),
}
HTML_KEYS = ("html",)  # read as HTML (main-text extraction) when no text field is present
CONTAINERS = ("metadata", "meta")


class FieldKeyError(ValueError):
    """A field key given by the user that cannot be a key (one-line message)."""


@dataclass(frozen=True)
class FieldKeys:
    """The user's keys (None: use the fallbacks). Dotted paths allowed."""

    text: str | None = None
    id: str | None = None
    url: str | None = None
    date: str | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        for name in MAPPED:
            key = getattr(self, name)
            if key is None:
                continue
            if not isinstance(key, str) or not key.strip() or key.startswith(".") or key.endswith(".") or ".." in key:
                raise FieldKeyError(f"{name}_key must be a field name or dotted path such as metadata.url, not {key!r}")

    def candidates(self, name: str) -> tuple[str, ...]:
        key = getattr(self, name)
        return (key,) if key else FALLBACKS[name]


@dataclass
class MappedRecord:
    """A record's mapped fields. `text` and `html` are the raw content (at most one is set);
    `date` is the raw value (see clean.dates.parse_date); `sources` says which key gave each
    mapped field; `problem` says why no content was found (None when there is content)."""

    text: str | None = None
    html: str | None = None
    id: str | None = None
    url: str | None = None
    date: Any = None
    title: str | None = None
    metadata: dict = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problem: str | None = None


_MISSING = object()


@functools.lru_cache(maxsize=1024)
def _key_parts(key: str) -> tuple[str, ...]:
    return tuple(key.split("."))


def _field_plan(keys: FieldKeys) -> tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]:
    """(field, keys to try) for the fields after the content, once per FieldKeys; each key
    with the top-level field a dotted path starts from (None for a plain key)."""
    return tuple((name, tuple((key, key.split(".", 1)[0] if "." in key else None) for key in keys.candidates(name)))
                 for name in MAPPED[1:])


_PLANS: dict[int, tuple] = {}  # id(keys) -> (keys, content plan, field plan)


def _plans(keys: FieldKeys) -> tuple:
    """The content and field plans of `keys`, made once per FieldKeys object: looked up by
    identity, which costs less per record than hashing the frozen dataclass (lru_cache)."""
    found = _PLANS.get(id(keys))
    if found is None or found[0] is not keys:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        found = _PLANS[id(keys)] = (keys, _content_plan(keys), _field_plan(keys))
    return found


def map_record(obj: Mapping[str, Any], keys: FieldKeys = FieldKeys()) -> MappedRecord:
    """The mapped fields of `obj` and the rest as metadata; never raises for bad values."""
    record = _open_containers(obj)
    out = MappedRecord()
    _, content_plan, field_plan = _plans(keys)
    _map_content(record, keys, out, obj, content_plan)
    for name, candidates in field_plan:
        for key, head in candidates:
            # the usual miss (a fallback the record does not have) costs two dict lookups
            if key in record:
                value = record[key]
            elif head is None or head not in record:
                continue
            else:
                value = _lookup(record, key)
            if value is _MISSING or value is None:
                continue
            out.sources[name] = key
            _remove(record, key)
            setattr(out, name, value if name == "date" else _as_text(value))
            break
    out.metadata = _flatten_containers(record)
    return out


def _content_plan(keys: FieldKeys) -> tuple[tuple[str, str], ...]:
    """(kind, key) to try for the content, once per FieldKeys: text keys, then HTML ones."""
    candidates = [("text", k) for k in keys.candidates("text")]
    if keys.text is None:
        candidates += [("html", k) for k in HTML_KEYS]
    return tuple(candidates)


_JSON_TYPE = {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}


def _map_content(record: dict, keys: FieldKeys, out: MappedRecord, obj: Mapping[str, Any],
                 candidates: tuple[tuple[str, str], ...]) -> None:
    """The text (or HTML): the first candidate holding a non-empty string. A candidate that is
    present but unusable (null, not a string, empty) is named in the problem, and the next one
    is tried, so a null `text` beside a good `raw_content` still reads. `candidates`:
    _content_plan(keys)."""
    unusable = []
    for kind, key in candidates:
        value = _lookup(record, key)
        if value is _MISSING:
            continue
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if value is None:
            unusable.append(f"'{key}' is null")
        elif not isinstance(value, str):
            unusable.append(f"'{key}' is {_JSON_TYPE.get(type(value), type(value).__name__)}, not a string")
        elif not value or value.isspace():  # what `not value.strip()` says, without copying the text
            unusable.append(f"'{key}' is empty")
        else:
            out.sources[kind] = key
            _remove(record, key)
            setattr(out, kind, value)
            return
    if unusable:
        out.problem = "record has no text: " + "; ".join(unusable)
        return
    fields = ", ".join(sorted(map(str, obj))) or "none"
    if keys.text:
        out.problem = f"record has no '{keys.text}' field (fields: {fields})"
        return
    tried = ", ".join(f"'{k}'" for _, k in candidates)
    out.problem = f"record has no text field (tried {tried}; fields: {fields}; name it with --text-key)"


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def _open_containers(obj: Mapping[str, Any]) -> dict:
    """A shallow working copy whose `metadata`/`meta` JSON-object strings are parsed, so that
    dotted paths walk them and their fields can be lifted."""
    record = dict(obj)
    for name in CONTAINERS:
        value = record.get(name)
        if value is None:
            continue
        if isinstance(value, str) and value.lstrip().startswith("{"):
            try:
                parsed = json.loads(value)
            except (ValueError, RecursionError):  # a hostile string is left as it is
                continue
            if isinstance(parsed, dict):
                record[name] = parsed
        elif isinstance(value, Mapping):
            record[name] = dict(value)
    return record


def _lookup(record: Mapping[str, Any], key: str) -> Any:
    if key in record:
        return record[key]
    if "." not in key:
        return _MISSING
    parts = _key_parts(key)
    if parts[0] not in record:  # the usual miss (a record without `metadata`): no walk
        return _MISSING
    node: Any = record
    for part in parts:
        if isinstance(node, str) and node.lstrip().startswith("{"):
            try:
                node = json.loads(node)
            except (ValueError, RecursionError):
                return _MISSING
        if not isinstance(node, (dict, Mapping)) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _remove(record: dict, key: str) -> None:
    """Drop the mapped leaf; a container left empty goes too. Only containers that are dicts in
    the working copy are edited (a field inside another JSON string stays in that string)."""
    if key in record:
        del record[key]
        return
    parts = key.split(".")
    chain = [record]
    for part in parts[:-1]:
        node = chain[-1].get(part)
        if not isinstance(node, dict):
            return
        node = dict(node)  # copy: the caller's record is never changed
        chain[-1][part] = node
        chain.append(node)
    chain[-1].pop(parts[-1], None)
    for parent, part, node in reversed(list(zip(chain[:-1], parts[:-1], chain[1:]))):
        if node:
            break
        del parent[part]


def _flatten_containers(record: dict) -> dict:
    out: dict[str, Any] = {}
    lifted: list[tuple[str, str, Any]] = []
    for key, value in record.items():
        if key in CONTAINERS and isinstance(value, dict):
            lifted.extend((key, k, v) for k, v in value.items())
        else:
            out[str(key)] = value
    for container, key, value in lifted:
        key = str(key)
        out[key if key not in out else f"{container}.{key}"] = value
    return json_safe(out)


def json_safe(value: Any) -> Any:
    """`value` as plain JSON types, deterministically: sorted keys, finite floats, ISO dates.
    NaN and infinities become null (JSON has no spelling for them); bytes that are not UTF-8
    become "base64:..."; anything else unknown becomes its str()."""
    kind = type(value)
    if value is None or kind is str or kind is bool:  # the common cases first: this runs per field
        return value
    if kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {str(k): json_safe(value[k]) for k in sorted(value, key=str)}
    if kind is list:
        return [json_safe(v) for v in value]
    if isinstance(value, (bool, str)):
        return bool(value) if isinstance(value, bool) else str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return json_safe(value.item())
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(k): json_safe(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return str(value)
