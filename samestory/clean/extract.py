"""Main text and metadata from HTML, with trafilatura.

trafilatura runs in its balanced mode (neither `favor_precision` nor `favor_recall`): on
extraction-dev it keeps more of the article than the precision mode (recall 0.944 against
0.920 on the development pages), and what it keeps beyond that is mostly page chrome at the
text's edges, which the chrome-block filter (chrome.py) removes afterwards; together they
score better than either mode alone (BENCHMARKS.md, extraction-dev). A page where that mode
finds almost nothing (under `RECALL_RETRY_CHARS` characters) is extracted once more with
`favor_recall`, and the longer text is kept: one page in 250 on extraction-dev, so the cost
is small.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from .dates import html_date_params

# trafilatura logs every page it finds empty; the pipeline reports those as rejections.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

RECALL_RETRY_CHARS = 200  # a main text shorter than this is looked for again with favor_recall


@dataclass(slots=True)
class Extracted:
    text: str | None
    title: str | None = None
    url: str | None = None
    date: str | None = None
    site: str | None = None


@functools.cache
def warm_up() -> None:
    """Import and initialise trafilatura once per process (about a second), so that a page's
    time limit measures the page, not the first page's imports."""
    extract_html("<html><body><article><p>A short warm-up page of text.</p></article></body></html>")


def _bare(html: str, url: str | None, mode: str, metadata: bool):
    import trafilatura

    return trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        favor_precision=mode == "precision",
        favor_recall=mode == "recall",
        include_tables=True,
        with_metadata=metadata,
        deduplicate=False,
        date_extraction_params=html_date_params() if metadata else None,
    )


def extract_html(html: str, url: str | None = None, mode: str = "balanced", retry: bool = True) -> Extracted:
    """Main text and metadata; the date from page metadata only, with its time and zone when
    the page gives them (see clean/dates.py, which also refuses dates after the crawl).
    `mode`: trafilatura's "balanced" (samestory's choice), "precision" or "recall";
    `retry`: the recall retry of a near-empty balanced extraction (benchmarks turn it off to
    measure trafilatura alone)."""
    doc = _bare(html, url, mode, metadata=True)
    text = doc.text if doc is not None else None
    if retry and mode == "balanced" and (not text or len(text) < RECALL_RETRY_CHARS):
        retry = _bare(html, url, "recall", metadata=doc is None)
        if retry is not None and retry.text and len(retry.text) > len(text or ""):
            text = retry.text
            doc = doc if doc is not None else retry
    if doc is None:
        return Extracted(text=None)
    return Extracted(
        text=text,
        title=doc.title or None,
        url=doc.url or url or None,
        date=doc.date or None,
        site=doc.sitename or None,
    )
