"""Main text and metadata from HTML, with trafilatura."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from .urls import host_of

# trafilatura logs every page it finds empty; the pipeline reports those as rejections.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


@dataclass(slots=True)
class Extracted:
    text: str | None
    title: str | None = None
    url: str | None = None
    date: str | None = None
    site: str | None = None


# Dates guessed from running text are wrong too often (seed 001's "2003" is the year of a
# spaceflight it mentions); only page metadata and URL patterns count.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@functools.cache
def warm_up() -> None:
    """Import and initialise trafilatura once per process (about a second), so that a page's
    time limit measures the page, not the first page's imports."""
    extract_html("<html><body><article><p>A short warm-up page of text.</p></article></body></html>")


def extract_html(html: str, url: str | None = None) -> Extracted:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        favor_precision=True,
        include_tables=True,
        with_metadata=True,
        deduplicate=False,
        date_extraction_params=_DATE_PARAMS,
    )
    if doc is None:
        return Extracted(text=None)
    return Extracted(
        text=doc.text,
        title=doc.title or None,
        url=doc.url or url or None,
        date=doc.date or None,
        site=doc.sitename or None,
    )


def site_of(url: str | None) -> str | None:
    """The `site` column's fallback when a page names no site: the URL's host as written
    (an archived page's site is archive.org here; boilerplate/ unwraps it for its site key)."""
    return host_of(url, unwrap_archive=False)
