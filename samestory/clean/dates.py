"""Publication dates as typed values with their precision, and the rule that compares them.

A date is a `PublishedDate`: a UTC instant plus the precision the source gave ("year",
"month", "day" or "time"). `parse_date` turns what inputs carry (page metadata strings,
record fields, Parquet timestamps, Unix epochs) into one, or None when the value is not a
usable date. The libraries do the parsing: `datetime.fromisoformat` (ISO 8601),
`email.utils` (RFC 2822, as in feeds and HTTP headers) and dateparser (every other written
form, in 200+ locales); only the choice among them and the precision bookkeeping are here.

Parsing rules:
- day first: `04.03.2024` and `04/03/2024` are 4 March 2024 (most of the world writes the
  day first; `day_first=False` reads them month first). A field over 12 decides the order
  whatever the setting (`12/25/2024` is 25 December).
- Unix epochs: numbers, or strings of 9+ digits, in seconds, milliseconds, microseconds or
  nanoseconds (told apart by size). Eight digits are `YYYYMMDD`, four a bare year.
- a bare year (`2024`) has precision "year", a year and month (`2024-03`, `March 2024`)
  "month"; their instant is the first moment of the period.
- a clock time of exactly 00:00:00 is read as a date without a time (CMSs store dates as
  midnight datetimes; htmldate writes date-only metadata that way): precision "day".
- a value without a zone is taken as UTC (the run must not depend on the machine's zone).
- relative expressions ("yesterday", "3 days ago") are not dates: relative to what is unknown.
- a date after `now` (the crawl or run time) is not a publication date, it is an error in the
  page: None. `FUTURE_SLACK` allows for time zones (a local date can be up to 14 hours
  ahead of UTC). Sentinel values that stand for "no date" (the epoch 0, 1900-01-01,
  0001-01-01) are None too.

The comparison rule (used to choose the original of a group): `a` is earlier than `b` only
when it certainly is.
- Two dates without a time are compared as calendar periods at the coarser of their two
  precisions: a year-only `2024` is neither earlier nor later than `2024-03-04` (it may be the
  same day), so year-only never beats a full date inside that year; `2023` is earlier.
- Two times are compared as instants: syndication the same morning is ordered by the clock.
- A time against a date without one: the date is a calendar period in an unknown zone, so it
  covers the UTC instants from its first day's start 14 hours early (UTC+14) to its last
  day's end 12 hours late (UTC-12); the time is earlier or later only outside that window.
  (22:46 at UTC-3 on 3 May is 4 May in UTC, and is not later than a page dated 3 May.)
`earliest_of` keeps every date that no other is certainly earlier than.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any, Literal, Sequence

import numpy as np

__all__ = [
    "DATE_TYPE",
    "ZONE_AHEAD",
    "ZONE_BEHIND",
    "FUTURE_SLACK",
    "PRECISIONS",
    "PublishedDate",
    "date_columns",
    "dates_from_columns",
    "earliest_of",
    "html_date_params",
    "is_earlier",
    "parse_date",
]

Precision = Literal["year", "month", "day", "time"]
PRECISIONS: tuple[Precision, ...] = ("year", "month", "day", "time")
_RANK = {name: rank for rank, name in enumerate(PRECISIONS)}

DATE_TYPE = "timestamp[us, tz=UTC]"  # the Arrow type of the `date` column (see date_columns)
ZONE_AHEAD = timedelta(hours=14)   # UTC+14: the furthest a local calendar runs ahead of UTC
ZONE_BEHIND = timedelta(hours=12)  # UTC-12: the furthest behind
FUTURE_SLACK = ZONE_AHEAD          # a local date may be "tomorrow" in UTC terms

_SENTINELS = {
    datetime(1970, 1, 1, tzinfo=timezone.utc),
    datetime(1900, 1, 1, tzinfo=timezone.utc),
    datetime(1, 1, 1, tzinfo=timezone.utc),
}

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_ISO_WEEK = re.compile(r"\d{4}-?W\d{2}", re.I)  # a week is not a day: no precision fits it
_RFC2822 = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_CLOCK = re.compile(r"\b(\d{1,2})[:h](\d{2})(?::(\d{2}))?|\b\d{1,2}\s*[ap]\.?m\b", re.I)


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """A date as precise as its source: `when` is timezone-aware UTC; for "year", "month"
    and "day" it is 00:00 UTC of the period's first day (the calendar date as written)."""

    when: datetime
    precision: Precision

    def truncated(self, precision: Precision) -> datetime:
        """`when` cut down to a coarser precision (the start of its year, month or day)."""
        rank = min(_RANK[precision], _RANK[self.precision])
        w = self.when
        if rank == 0:
            return w.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        if rank == 1:
            return w.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if rank == 2:
            return w.replace(hour=0, minute=0, second=0, microsecond=0)
        return w

    def period_end(self) -> datetime:
        """The first instant after the period (UTC calendar); for a time, the time itself."""
        w = self.when
        if self.precision == "year":
            return w.replace(year=w.year + 1) if w.year < 9999 else datetime.max.replace(tzinfo=timezone.utc)
        if self.precision == "month":
            return w.replace(year=w.year + w.month // 12, month=w.month % 12 + 1) if w.year < 9999 or w.month < 12 else (
                datetime.max.replace(tzinfo=timezone.utc))
        if self.precision == "day":
            return w + timedelta(days=1) if w.date() < date.max else datetime.max.replace(tzinfo=timezone.utc)
        return w

    def __str__(self) -> str:
        """As precise as known: `2024`, `2024-03`, `2024-03-04` or `2024-03-04T08:20:30Z`."""
        w = self.when
        if self.precision == "year":
            return f"{w.year:04d}"
        if self.precision == "month":
            return f"{w.year:04d}-{w.month:02d}"
        if self.precision == "day":
            return w.date().isoformat()
        return w.strftime("%Y-%m-%dT%H:%M:%S") + (f".{w.microsecond:06d}" if w.microsecond else "") + "Z"


def is_earlier(a: PublishedDate, b: PublishedDate) -> bool:
    """True when `a` is certainly earlier than `b` (the rule in the module docstring)."""
    if (a.precision == "time") != (b.precision == "time"):
        if a.precision == "time":
            return a.when < b.when - ZONE_AHEAD
        return a.period_end() + ZONE_BEHIND <= b.when
    coarser = PRECISIONS[min(_RANK[a.precision], _RANK[b.precision])]
    return a.truncated(coarser) < b.truncated(coarser)


def earliest_of(dates: Sequence[PublishedDate | None]) -> list[int]:
    """Indices of the dates that no other date is certainly earlier than (None entries are
    left out: an unknown date is neither early nor late). Linear: for each precision only
    the earliest date of that precision can beat anything."""
    firsts: dict[str, PublishedDate] = {}
    for d in dates:
        if d is not None and (d.precision not in firsts or d.when < firsts[d.precision].when):
            firsts[d.precision] = d
    return [
        i for i, d in enumerate(dates)
        if d is not None and not any(is_earlier(f, d) for f in firsts.values())
    ]


def parse_date(value: Any, now: datetime | None = None, *, day_first: bool = True) -> PublishedDate | None:
    """The date in `value` (string, number, datetime or date), or None.

    `now` (timezone-aware, or naive UTC): dates after it, beyond `FUTURE_SLACK`, are None.
    See the module docstring for the rules."""
    found = _parse_any(value, day_first)
    if found is None or found.when in _SENTINELS:
        return None
    if now is not None:
        limit = (now if now.tzinfo else now.replace(tzinfo=timezone.utc)) + FUTURE_SLACK
        if found.when > limit:
            return None
    return found


def date_columns(dates: Sequence[PublishedDate | None]) -> tuple[list[datetime | None], list[str | None]]:
    """The `date` (UTC instants) and `date_precision` columns of a table."""
    return [d.when if d else None for d in dates], [d.precision if d else None for d in dates]


def dates_from_columns(when: Sequence[datetime | None], precision: Sequence[str | None]) -> list[PublishedDate | None]:
    """Back from the two columns (naive instants are UTC, as Arrow gives them without a zone)."""
    out: list[PublishedDate | None] = []
    for w, p in zip(when, precision):
        if w is None or p not in _RANK:
            out.append(None)
            continue
        out.append(PublishedDate(w if w.tzinfo else w.replace(tzinfo=timezone.utc), p))
    return out


def html_date_params() -> dict:
    """htmldate options (trafilatura's `date_extraction_params`) for page metadata: the time and
    zone kept when the page gives them. Dates guessed from running text are wrong too often (a
    page's "2003" is the year of a spaceflight it mentions); only metadata and URL patterns count.

    htmldate's own upper bound is set out of the way: a date past it makes htmldate fall back to
    a shorter pattern of the same string (2024-03-12 past the bound gives 2024-03-01), a date no
    page wrote. The bound is applied after, by `parse_date(found, now)`."""
    return {
        "extensive_search": False,
        "original_date": True,
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        "max_date": _HTMLDATE_NO_BOUND,
    }


_HTMLDATE_NO_BOUND = datetime(2100, 1, 1)


def _parse_any(value: Any, day_first: bool) -> PublishedDate | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, np.generic):  # numpy/pandas scalars from Parquet or Arrow rows
        value = value.astype("datetime64[us]").item() if isinstance(value, np.datetime64) else value.item()
    if isinstance(value, datetime):
        return None if value != value else _from_datetime(value)  # pandas NaT is a datetime
    if isinstance(value, date):
        return PublishedDate(datetime.combine(value, time(), timezone.utc), "day")
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return _from_digits(str(int(value))) if value > 0 else None
    if isinstance(value, float):
        return _from_epoch(value) if value >= 1e8 else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 200:  # metadata dates are short; long text is not one
        return None
    return _parse_text(text, day_first)


@lru_cache(maxsize=65536)  # feeds repeat the same few date strings many times
def _parse_text(text: str, day_first: bool) -> PublishedDate | None:
    if _DIGITS.fullmatch(text):
        return _from_digits(text)
    if _ISO_WEEK.match(text):
        return None
    try:
        return _from_datetime(datetime.fromisoformat(text))
    except ValueError:
        pass
    if m := _YEAR_MONTH.fullmatch(text):
        return _month(int(m.group(1)), int(m.group(2)))
    if _RFC2822.match(text):
        try:
            return _from_datetime(email.utils.parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
    return _from_dateparser(text, day_first)


def _from_digits(text: str) -> PublishedDate | None:
    """Four digits a year, six YYYYMM, eight YYYYMMDD, nine or more an epoch."""
    if "." in text:
        return _from_epoch(float(text)) if text.index(".") >= 9 else None
    if len(text) == 4:
        year = int(text)
        return PublishedDate(datetime(year, 1, 1, tzinfo=timezone.utc), "year") if year >= 1 else None
    if len(text) == 6:
        return _month(int(text[:4]), int(text[4:]))
    if len(text) == 8:  # YYYYMMDD, as in URLs and compact ISO 8601
        try:
            return PublishedDate(datetime(int(text[:4]), int(text[4:6]), int(text[6:]), tzinfo=timezone.utc), "day")
        except ValueError:
            return None
    if len(text) >= 9:
        return _from_epoch(int(text))
    return None


def _from_epoch(number: float) -> PublishedDate | None:
    """Seconds, ms, µs or ns since 1970 by magnitude (1e11 s is the year 5138)."""
    if number != number or number <= 0:  # NaN, the 0 sentinel, pre-1970 noise
        return None
    for scale in (1, 1e3, 1e6, 1e9):
        if number < 1e11 * scale:
            try:
                when = datetime.fromtimestamp(number / scale, tz=timezone.utc)
            except (OverflowError, OSError, ValueError):
                return None
            return _from_datetime(when)
    return None


def _month(year: int, month: int) -> PublishedDate | None:
    try:
        return PublishedDate(datetime(year, month, 1, tzinfo=timezone.utc), "month")
    except ValueError:
        return None


def _from_datetime(value: datetime) -> PublishedDate:
    """Midnight in its own zone is a date without a time; anything else is a time."""
    if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return PublishedDate(datetime.combine(value.date(), time(), timezone.utc), "day")
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return PublishedDate(value.astimezone(timezone.utc), "time")


def _from_dateparser(text: str, day_first: bool) -> PublishedDate | None:
    if sum(c.isdigit() for c in text) < 2:  # no year in it; spares dateparser's slow language guess
        return None
    try:
        data = _dateparser(day_first).get_date_data(text)
    except (OverflowError, ValueError, TypeError):
        return None
    when, period = data.date_obj, data.period
    if when is None:
        return None
    when = when.astimezone(timezone.utc)
    if period == "year":
        return PublishedDate(datetime(when.year, 1, 1, tzinfo=timezone.utc), "year")
    if period == "month":
        return _month(when.year, when.month)
    if period != "day":  # "week" and relative periods
        return None
    if _has_clock_time(text):
        return PublishedDate(when, "time")
    return PublishedDate(datetime.combine(when.date(), time(), timezone.utc), "day")


def _has_clock_time(text: str) -> bool:
    """dateparser reports "day" with or without a time; the text tells which it was
    (a clock at 00:00 is a date without a time, as everywhere here)."""
    clock = _CLOCK.search(text)
    if clock is None:
        return False
    if clock.group(1) is None:  # "5 pm"
        return True
    return any(int(g) for g in clock.groups() if g)


@lru_cache(maxsize=2)
def _dateparser(day_first: bool):
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=None,  # detect: metadata dates come in the page's language
        settings={
            "DATE_ORDER": "DMY" if day_first else "MDY",
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["year"],  # "12" or "March 4" alone are not dates
            "PARSERS": ["custom-formats", "absolute-time"],  # no relative ("yesterday")
            "TIMEZONE": "UTC",
            "RETURN_AS_TIMEZONE_AWARE": True,
        },
    )
