"""The record types that travel between stages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class RawDocument:
    """One input document as read, before cleaning.

    `kind` says how `content` is to be cleaned: "html" (main-text extraction),
    "text" (chrome-line filter only) or "rejected" (`reason` says why; `content` is None).
    `date` is the value as found (string, number or datetime; parsed in the clean stage);
    `fetched` the crawl time when the input says it (WARC-Date), which bounds the date;
    `metadata` every other field of an input record, JSON-safe (None for files and pages);
    `record_id` the record's own id (JSONL/Parquet/dataset rows, WARC-Record-ID), if it has one.
    """

    doc_id: str
    source: str
    kind: str
    content: str | None = None
    url: str | None = None
    title: str | None = None
    date: Any = None
    reason: str | None = None
    metadata: dict | None = None
    fetched: str | None = None
    record_id: str | None = None

    @classmethod
    def rejected(cls, doc_id: str, source: str, reason: str) -> "RawDocument":
        return cls(doc_id=doc_id, source=source, kind="rejected", reason=reason)
