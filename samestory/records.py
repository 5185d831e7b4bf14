"""The record types that travel between stages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class RawDocument:
    """One input document as read, before cleaning.

    `kind` says how `content` is to be cleaned: "html" (main-text extraction),
    "text" (chrome-line filter only) or "rejected" (`reason` says why; `content` is None).
    """

    doc_id: str
    source: str
    kind: str
    content: str | None = None
    url: str | None = None
    title: str | None = None
    date: str | None = None
    reason: str | None = None

    @classmethod
    def rejected(cls, doc_id: str, source: str, reason: str) -> "RawDocument":
        return cls(doc_id=doc_id, source=source, kind="rejected", reason=reason)
