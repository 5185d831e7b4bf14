"""Dates and sites as the clean stage sets them: bounded by crawl or run time, one site rule."""

from datetime import datetime, timezone

from samestory.clean import clean_batch, site_of
from samestory.config import CleanSettings
from samestory.records import RawDocument

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
BODY = "<p>The harbour ferry returns to service on Monday after repairs to its engine and hull.</p>"


def page(published: str, url: str | None = None, site: str = "NewsBits") -> str:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    return (f'<html><head><meta property="og:site_name" content="{site}">{canonical}'
            f'<meta property="article:published_time" content="{published}"></head>'
            f"<body><article>{BODY}</article></body></html>")


def clean(*raws: RawDocument, day_first: bool = True):
    return clean_batch(list(raws), CleanSettings(), now=NOW, day_first=day_first)


def test_record_dates_parsed_and_bounded_by_the_run_time():
    batch = clean(
        RawDocument("a", "f", "text", content="Some words here.", date="04.03.2024"),
        RawDocument("b", "f", "text", content="Some words here.", date="2030-01-05"),
        RawDocument("c", "f", "text", content="Some words here.", date=1709547630),
    )
    assert [str(d) if d else None for d in batch.date] == ["2024-03-04", None, "2024-03-04T10:20:30Z"]
    month_first = clean(RawDocument("a", "f", "text", content="Some words here.", date="04.03.2024"), day_first=False)
    assert str(month_first.date[0]) == "2024-04-03"


def test_page_dates_keep_their_time_and_are_bounded_by_the_crawl_time():
    crawled = "2024-03-10T00:00:00Z"
    batch = clean(
        RawDocument("early", "w", "html", content=page("2024-03-04T10:20:30+02:00"), fetched=crawled),
        RawDocument("after-crawl", "w", "html", content=page("2024-03-12T10:00:00+00:00"), fetched=crawled),
        RawDocument("no-crawl-time", "w", "html", content=page("2024-03-12T10:00:00+00:00")),
    )
    assert [str(d) if d else None for d in batch.date] == ["2024-03-04T08:20:30Z", None, "2024-03-12T10:00:00Z"]


def test_one_site_key_for_pages_and_records():
    batch = clean(
        RawDocument("page", "f", "html", content=page("2024-03-04", url="https://www.newsbits.example/a")),
        RawDocument("record", "f", "text", content="Some words here.", url="https://newsbits.example/feed/1"),
        RawDocument("no-url", "f", "html", content=page("2024-03-04")),
    )
    assert batch.site == ["newsbits.example", "newsbits.example", "NewsBits"]
    assert site_of("https://web.archive.org/web/2016/http://newsbits.example/a") == "newsbits.example"
    assert site_of(None, "  ") is None


def test_metadata_and_record_id_travel_as_columns():
    batch = clean(RawDocument("r", "f", "text", content="Some words here.", record_id="r-1",
                              metadata={"b": 1, "a": "é"}))
    assert batch.record_id == ["r-1"] and batch.metadata == ['{"a": "é", "b": 1}']
    assert clean(RawDocument("p", "f", "text", content="Some words here.")).metadata == [None]
