"""Clean: RawDocument batches to clean main text and metadata columns.

`clean_batch` is a pure function over a batch: the same records give the same columns,
in whatever process it runs.
"""

from __future__ import annotations

import html as htmllib
import json
from dataclasses import dataclass, field
from datetime import datetime

from ..config import CleanSettings
from ..language import detect_languages
from ..records import RawDocument
from .chrome import strip_chrome_lines
from .dates import PublishedDate, parse_date
from .extract import extract_html, warm_up
from .normalize import INVISIBLE, count_words, normalize_for_match, tidy_text
from .timelimit import TimeLimitExceeded, time_limit
from .urls import host_of

__all__ = ["CleanBatch", "clean_batch", "normalize_for_match", "site_of", "strip_chrome_lines"]


@dataclass
class CleanBatch:
    """Columns for a batch of documents, in input order."""

    doc_id: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    url: list[str | None] = field(default_factory=list)
    title: list[str | None] = field(default_factory=list)
    date: list[PublishedDate | None] = field(default_factory=list)
    site: list[str | None] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    reason: list[str | None] = field(default_factory=list)
    text: list[str | None] = field(default_factory=list)
    chrome_lines: list[int] = field(default_factory=list)
    record_id: list[str | None] = field(default_factory=list)
    metadata: list[str | None] = field(default_factory=list)  # JSON text: the record's other fields
    language: list[str | None] = field(default_factory=list)  # ISO 639-1 code of the text (samestory/language)

    def __len__(self) -> int:
        return len(self.doc_id)


def site_of(url: str | None, site_name: str | None = None) -> str | None:
    """The one site rule, for pages and records alike: the URL's host (without "www.", an
    archived page's original host), else the site name the page gives, else None. The host
    comes first because a site names itself differently in its pages ("NewsBits") than its
    feed records' URLs do ("newsbits.example"), and one site must be one key (boilerplate)."""
    return host_of(url) or (site_name.strip() if site_name and site_name.strip() else None)


def _drop_leading_title(text: str, title: str | None) -> str:
    """The headline is metadata (the `title` column); as the first text line it would make
    the same article differ between an HTML page and a feed record without it."""
    if not title:
        return text
    first, _, rest = text.partition("\n")
    if normalize_for_match(first) == normalize_for_match(title) and rest.strip():
        return rest.lstrip("\n")
    return text


def _date_bound(raw: RawDocument, now: datetime | None) -> datetime | None:
    """Dates after the crawl time (WARC-Date) or, without one, the run time are not real."""
    fetched = parse_date(raw.fetched)
    return fetched.when if fetched is not None else now


def clean_one(raw: RawDocument, settings: CleanSettings, now: datetime | None = None, day_first: bool = True) -> dict:
    bound = _date_bound(raw, now)
    out = {
        "url": raw.url, "title": raw.title, "date": parse_date(raw.date, bound, day_first=day_first),
        "site": site_of(raw.url), "status": "ok", "reason": None, "text": None, "chrome_lines": 0,
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
        out["date"] = out["date"] or parse_date(extracted.date, bound, day_first=day_first)
        out["site"] = site_of(out["url"], extracted.site)
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
    n_words = count_words(text)  # cheap check, blind to invisible characters; exact counts come from fingerprinting
    if n_words < max(settings.min_words, 1):
        reason = ("no text left after removing site chrome" if out["chrome_lines"] else
                  "empty text" if not text.strip() or n_words else "no visible text (only invisible characters)")
        out.update(status="rejected", reason=reason)
        return out
    out["text"] = text
    return out


def _has_words(text: str, at_least: int) -> bool:
    """count_words(text) >= at_least, without splitting the whole text: at most `at_least`
    pieces are cut (the split of a 500-word text was a third of cleaning a record); tokens of
    invisible characters alone are no words (normalize.count_words)."""
    if not text.isascii():
        text = text.translate(INVISIBLE)
    return len(text.split(None, at_least - 1)) >= at_least


def clean_text(content: str, title: str | None, settings: CleanSettings) -> tuple[str | None, int, str | None]:
    """A plain-text record's content as clean text: (text or None, chrome lines removed,
    reason when rejected). What clean_one does for a record of kind "text"."""
    text = htmllib.unescape(content) if "&" in content else content
    text = tidy_text(text)
    if title:
        text = _drop_leading_title(text, title)
    chrome_lines = 0
    if settings.strip_chrome_lines:  # every line is looked at: "see also" lines go from anywhere
        text, removed = strip_chrome_lines(text, settings.chrome_max_words)
        chrome_lines = len(removed)
    if not _has_words(text, max(settings.min_words, 1)):
        if chrome_lines:
            return None, chrome_lines, "no text left after removing site chrome"
        visible = not text.strip() or _has_words(text, 1)
        return None, chrome_lines, "empty text" if visible else "no visible text (only invisible characters)"
    return text, chrome_lines, None


def clean_batch(raws: list[RawDocument], settings: CleanSettings, now: datetime | None = None,
                day_first: bool = True) -> CleanBatch:
    """`now`: the run's time, the latest date accepted for documents without a crawl time.

    Plain-text records take clean_text, column by column; pages and rejected records take
    clean_one.
    Each clean text's language is detected here, on the batch (samestory/language)."""
    batch = CleanBatch()
    text_columns = (batch.url, batch.title, batch.date, batch.site, batch.status, batch.reason, batch.text,
                    batch.chrome_lines)
    for raw in raws:
        batch.doc_id.append(raw.doc_id)
        batch.source.append(raw.source)
        batch.kind.append(raw.kind)
        batch.record_id.append(raw.record_id)
        metadata = raw.metadata
        batch.metadata.append(None if metadata is None else "{}" if metadata == {}  # most records: no other field
                              else json.dumps(metadata, ensure_ascii=False, sort_keys=True))
        if raw.kind != "text":
            for name, value in clean_one(raw, settings, now, day_first).items():
                getattr(batch, name).append(value)
            continue
        text, chrome_lines, reason = clean_text(raw.content, raw.title, settings)
        values = (raw.url, raw.title, parse_date(raw.date, _date_bound(raw, now), day_first=day_first),
                  site_of(raw.url), "ok" if reason is None else "rejected", reason, text, chrome_lines)
        for column, value in zip(text_columns, values):
            column.append(value)
    batch.language = detect_languages(batch.text)[0]
    return batch
