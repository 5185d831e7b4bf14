"""Date parsing with precision, the future-date guard, and the comparison rule."""

from datetime import date, datetime, timedelta, timezone

import numpy as np
import pytest

from samestory.clean.dates import (
    DATE_TYPE,
    date_columns,
    dates_from_columns,
    PublishedDate,
    earliest_of,
    html_date_params,
    is_earlier,
    parse_date,
)

UTC = timezone.utc
NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def d(text: str, precision: str) -> PublishedDate:
    """A PublishedDate from its ISO form, for expectations."""
    when = datetime.fromisoformat(text)
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return PublishedDate(when, precision)


PARSED = [
    # day-first numeric forms (the bug: 04.03.2024 read as 3 April)
    ("04.03.2024", d("2024-03-04", "day")),
    ("04/03/2024", d("2024-03-04", "day")),
    ("4.3.2024", d("2024-03-04", "day")),
    ("12/25/2024", d("2024-12-25", "day")),  # a field over 12 decides the order
    ("04.03.2024 10:20", d("2024-03-04T10:20", "time")),
    # written forms in several languages
    ("4 mars 2024", d("2024-03-04", "day")),
    ("4. März 2024", d("2024-03-04", "day")),
    ("March 4, 2024", d("2024-03-04", "day")),
    ("4 March 2024 10:20 CET", d("2024-03-04T09:20", "time")),
    ("1st March, 2024 5pm", d("2024-03-01T17:00", "time")),
    # ISO 8601 with time and zone; midnight is a date without a time
    ("2024-03-04", d("2024-03-04", "day")),
    ("2024-03-04T10:20:30+02:00", d("2024-03-04T08:20:30", "time")),
    ("2024-03-04T10:20:30.250Z", d("2024-03-04T10:20:30.250", "time")),
    ("2024-03-04 10:20", d("2024-03-04T10:20", "time")),
    ("2024-03-04T00:00:00", d("2024-03-04", "day")),
    ("2024-03-04T00:00:00+05:00", d("2024-03-04", "day")),  # the local calendar date
    ("2024-03-04T10:20:30+0200", d("2024-03-04T08:20:30", "time")),  # htmldate's output form
    # RFC 2822 (feeds, HTTP)
    ("Mon, 04 Mar 2024 10:20:30 GMT", d("2024-03-04T10:20:30", "time")),
    ("Mon, 04 Mar 2024 10:20:30 +0100", d("2024-03-04T09:20:30", "time")),
    ("Mon, 04 Mar 2024 10:20:30 EST", d("2024-03-04T15:20:30", "time")),
    # Unix epochs in s and ms, as strings and numbers
    ("1709547630", d("2024-03-04T10:20:30", "time")),
    ("1709547630123", d("2024-03-04T10:20:30.123", "time")),
    ("1709547630.5", d("2024-03-04T10:20:30.5", "time")),
    (1709547630, d("2024-03-04T10:20:30", "time")),
    (1709547630123, d("2024-03-04T10:20:30.123", "time")),
    (1709547630.0, d("2024-03-04T10:20:30", "time")),
    (np.int64(1709547630), d("2024-03-04T10:20:30", "time")),
    # bare year and year-month keep their precision
    ("2024", d("2024-01-01", "year")),
    (2024, d("2024-01-01", "year")),
    ("2024-03", d("2024-03-01", "month")),
    ("202403", d("2024-03-01", "month")),
    ("March 2024", d("2024-03-01", "month")),
    ("20240304", d("2024-03-04", "day")),
    # typed values from Parquet/Arrow rows
    (datetime(2024, 3, 4, 10, 20), d("2024-03-04T10:20", "time")),
    (datetime(2024, 3, 4, 12, 20, tzinfo=timezone(timedelta(hours=2))), d("2024-03-04T10:20", "time")),
    (date(2024, 3, 4), d("2024-03-04", "day")),
    (np.datetime64("2024-03-04T10:20:30"), d("2024-03-04T10:20:30", "time")),
    (b"2024-03-04", d("2024-03-04", "day")),
]

NOT_DATES = [
    None, "", "   ", "garbage", "12", "March 4", "yesterday", "3 days ago", "2024-13-45",
    "2024-W10", 0, "0", -5, True, 3.5, "2024.5", float("nan"), 12345, [2024], {"y": 2024},
    "1970-01-01T00:00:00Z", "1900-01-01", "x" * 300,
]


@pytest.mark.parametrize("value,expected", PARSED, ids=[repr(v)[:40] for v, _ in PARSED])
def test_parse_date(value, expected):
    assert parse_date(value, NOW) == expected


@pytest.mark.parametrize("value", NOT_DATES, ids=[repr(v)[:30] for v in NOT_DATES])
def test_not_a_date(value):
    assert parse_date(value, NOW) is None


def test_month_first_when_asked():
    assert parse_date("04/03/2024", NOW, day_first=False) == d("2024-04-03", "day")
    assert parse_date("04/03/2024", NOW) == d("2024-03-04", "day")


@pytest.mark.parametrize("value,accepted", [
    ("2030-01-05", False),                      # the bug: a 2030 date won a group
    ("2026-11-30T09:00:00Z", False),            # a day ahead
    ("2026-11-29T07:59:00Z", True),
    ("2026-11-29T20:00:00Z", True),             # within the time-zone slack
    ("2026-11-29", True),
    ("2026", True),                             # the year has begun
    ("2027", False),
    (datetime(2031, 1, 1), False),
    (str(int(datetime(2031, 1, 1, tzinfo=UTC).timestamp())), False),
])
def test_dates_after_now_are_rejected(value, accepted):
    assert (parse_date(value, NOW) is not None) is accepted
    assert parse_date(value) is not None  # without a `now`, no bound


def test_naive_now_is_utc():
    assert parse_date("2026-11-30T09:00:00Z", NOW.replace(tzinfo=None)) is None


@pytest.mark.parametrize("a,b,a_first,b_first", [
    ("2024", "2024-03-04", False, False),                  # year-only never beats a date in it
    ("2023", "2024-03-04", True, False),                   # ...but an earlier year does
    ("2024-03", "2024-03-04", False, False),
    ("2024-02", "2024-03-04", True, False),
    ("2024-03-04", "2024-03-04T10:20:00Z", False, False),  # same day, one without a time
    ("2024-03-03", "2024-03-04T10:20:00Z", False, False),  # 3 March ends at 12:00Z at UTC-12
    ("2024-03-03", "2024-03-04T12:00:00Z", True, False),
    ("2024-03-05", "2024-03-04T09:59:59Z", False, True),   # 5 March starts at 10:00Z 4 March at UTC+14
    ("2024-03-05", "2024-03-04T10:00:00Z", False, False),
    ("2022-05-03", "2022-05-03T22:46:08-03:00", False, False),  # 4 May in UTC, 3 May where written
    ("2023", "2024-01-01T05:00:00+08:00", False, False),  # 31 Dec 2023 in UTC: not certainly later
    ("2023", "2024-01-01T13:00:00Z", True, False),
    ("2024-03-04T08:00:00Z", "2024-03-04T10:20:00Z", True, False),  # same-day syndication
    ("2024-03-04T10:20:00+02:00", "2024-03-04T09:00:00Z", True, False),  # zones count
    ("2024-03-04", "2024-03-04", False, False),
])
def test_comparison_rule(a, b, a_first, b_first):
    da, db = parse_date(a), parse_date(b)
    assert is_earlier(da, db) is a_first
    assert is_earlier(db, da) is b_first


@pytest.mark.parametrize("values,expected", [
    (["2024", "2024-03-04", "2024-05-01"], [0, 1]),        # the year-only date stays in the running
    (["2024-05-01", None, "2024-03-04"], [2]),             # undated entries are left out
    (["2024-03-04T10:00Z", "2024-03-04T09:00Z", "2024-03-04"], [1, 2]),
    (["2024-03-06T10:00Z", "2024-03-04"], [1]),
    (["2023", "2024-03-04", "2024"], [0]),
    ([None, None], []),
    ([], []),
])
def test_earliest_of(values, expected):
    assert earliest_of([parse_date(v) for v in values]) == expected


def test_earliest_of_matches_pairwise_definition():
    values = ["2024", "2024-03", "2024-03-04", "2024-03-04T10:00Z", "2024-03-04T09:00Z",
              "2023-12-31", "2024-02", "2025", None, "2024-03-05T00:30Z"]
    dates = [parse_date(v) for v in values]
    pairwise = [i for i, x in enumerate(dates)
                if x is not None and not any(y is not None and is_earlier(y, x) for y in dates)]
    assert earliest_of(dates) == pairwise


@pytest.mark.parametrize("value,text", [
    ("2024", "2024"), ("2024-03", "2024-03"), ("04.03.2024", "2024-03-04"),
    ("2024-03-04T10:20:30+02:00", "2024-03-04T08:20:30Z"),
])
def test_str_keeps_precision(value, text):
    assert str(parse_date(value)) == text


def test_html_date_params_keep_time_and_never_invent_a_date():
    from htmldate import find_date

    page = ('<html><head><meta property="article:published_time" content="{}"></head>'
            "<body><p>Text.</p></body></html>")
    found = find_date(page.format("2024-03-04T10:20:30+02:00"), **html_date_params())
    assert parse_date(found, NOW) == d("2024-03-04T08:20:30", "time")
    # a future date is found as written, then refused: never cut down to a month htmldate made up
    future = find_date(page.format("2026-12-25T10:00:00+00:00"), **html_date_params())
    assert future.startswith("2026-12-25") and parse_date(future, NOW) is None


def test_columns_round_trip_through_arrow():
    import pyarrow as pa

    dates = [parse_date(v) for v in ("2024", "2024-03", "04.03.2024", "2024-03-04T10:20:30.5+02:00", None)]
    when, precision = date_columns(dates)
    table = pa.table({"date": pa.array(when, pa.timestamp("us", tz="UTC")), "date_precision": precision})
    assert str(table.schema.field("date").type) == DATE_TYPE
    back = dates_from_columns(table.column("date").to_pylist(), table.column("date_precision").to_pylist())
    assert back == dates
    assert dates_from_columns([datetime(2024, 3, 4)], ["day"]) == [d("2024-03-04", "day")]
    assert dates_from_columns([datetime(2024, 3, 4)], [None]) == [None]
