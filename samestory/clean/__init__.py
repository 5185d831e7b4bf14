"""Clean: RawDocument batches to clean main text and metadata columns.

`clean_batch` is a pure function over a batch: the same records give the same columns,
in whatever process it runs.
"""

from __future__ import annotations

import html as htmllib
from dataclasses import dataclass, field

from dateutil import parser as dateparser

from ..config import CleanSettings
from ..records import RawDocument
from .chrome import strip_chrome_lines
from .extract import extract_html, site_of, warm_up
from .normalize import normalize_for_match, tidy_text
from .timelimit import TimeLimitExceeded, time_limit

__all__ = ["CleanBatch", "clean_batch", "normalize_for_match", "strip_chrome_lines"]


@dataclass
class CleanBatch:
    """Columns for a batch of documents, in input order."""

    doc_id: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    url: list[str | None] = field(default_factory=list)
    title: list[str | None] = field(default_factory=list)
    date: list[str | None] = field(default_factory=list)
    site: list[str | None] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    reason: list[str | None] = field(default_factory=list)
    text: list[str | None] = field(default_factory=list)
    chrome_lines: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.doc_id)


def normalize_date(value: str | None) -> str | None:
    """ISO YYYY-MM-DD, or None when the value is not a date."""
    if not value:
        return None
    try:
        return dateparser.isoparse(value).date().isoformat()
    except (ValueError, OverflowError):
        pass
    try:
        return dateparser.parse(value, fuzzy=False).date().isoformat()
    except (ValueError, OverflowError, TypeError):
        return None


def _drop_leading_title(text: str, title: str | None) -> str:
    """The headline is metadata (the `title` column); as the first text line it would make
    the same article differ between an HTML page and a feed record without it."""
    if not title:
        return text
    first, _, rest = text.partition("\n")
    if normalize_for_match(first) == normalize_for_match(title) and rest.strip():
        return rest.lstrip("\n")
    return text


def clean_one(raw: RawDocument, settings: CleanSettings) -> dict:
    out = {
        "url": raw.url, "title": raw.title, "date": normalize_date(raw.date), "site": site_of(raw.url),
        "status": "ok", "reason": None, "text": None, "chrome_lines": 0,
    }
    if raw.kind == "rejected":
        out.update(status="rejected", reason=raw.reason)
        return out
    if raw.kind == "html":
        warm_up()
        try:
            with time_limit(settings.html_timeout_seconds):
                extracted = extract_html(raw.content, url=raw.url)
        except TimeLimitExceeded:
            out.update(status="rejected", reason=f"extraction timed out (over {settings.html_timeout_seconds:g} s)")
            return out
        except Exception as exc:  # a parser crash on one page must not stop the run
            out.update(status="rejected", reason=f"HTML extraction failed ({exc.__class__.__name__})")
            return out
        text = extracted.text
        out["title"] = raw.title or extracted.title
        out["url"] = raw.url or extracted.url
        out["date"] = out["date"] or normalize_date(extracted.date)
        out["site"] = extracted.site or site_of(out["url"])
        if not text or not text.strip():
            out.update(status="rejected", reason="no main text found in HTML")
            return out
    else:
        text = htmllib.unescape(raw.content) if "&" in raw.content else raw.content
    text = tidy_text(text)
    text = _drop_leading_title(text, out["title"])
    if settings.strip_chrome_lines:
        text, removed = strip_chrome_lines(text, settings.chrome_max_words)
        out["chrome_lines"] = len(removed)
    n_words = len(text.split())  # cheap check; exact word counts come from fingerprinting
    if n_words < max(settings.min_words, 1):
        reason = "no text left after removing site chrome" if out["chrome_lines"] else "empty text"
        out.update(status="rejected", reason=reason)
        return out
    out["text"] = text
    return out


def clean_batch(raws: list[RawDocument], settings: CleanSettings) -> CleanBatch:
    batch = CleanBatch()
    for raw in raws:
        row = clean_one(raw, settings)
        batch.doc_id.append(raw.doc_id)
        batch.source.append(raw.source)
        batch.kind.append(raw.kind)
        for name, value in row.items():
            getattr(batch, name).append(value)
    return batch
