"""Publication dates on the labelled pages of extraction-dev: 0.1's rule against clean/dates.py.

For each page with a labelled `date` (728 of 990), the date samestory takes from it is compared
with the label at day precision:
- 0.1: trafilatura's date with htmldate's default output (a day, no time) read by dateutil;
- now: `samestory.clean.extract.extract_html` (time and zone kept) read by `clean.dates.parse_date`,
  bounded by the run's time; its day counted in UTC (what the `date` column holds) and in the
  page's own zone (what the labels hold).
Counts: right day, wrong day, no date. Pages are read as samestory reads them (gzip, decoding).

    python benchmarks/dates_extraction_dev.py [--data ../shared/data/extraction-dev] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samestory.clean.dates import parse_date  # noqa: E402
from samestory.clean.extract import extract_html  # noqa: E402
from samestory.read import iter_documents  # noqa: E402


def old_rule(html: str, url: str) -> str | None:
    """0.1: trafilatura + htmldate with day output, dateutil to YYYY-MM-DD."""
    import trafilatura
    from dateutil import parser as dateparser

    doc = trafilatura.bare_extraction(html, url=url, include_comments=False, favor_precision=True,
                                      include_tables=True, with_metadata=True, deduplicate=False,
                                      date_extraction_params={"extensive_search": False, "original_date": True})
    value = doc.date if doc is not None else None
    if not value:
        return None
    try:
        return dateparser.isoparse(value).date().isoformat()
    except (ValueError, OverflowError):
        return None


def new_rule(html: str, url: str, now: datetime) -> tuple[str | None, str | None]:
    """(UTC day, the day in the page's own zone): samestory stores the UTC instant, the labels
    are the day as the page writes it; the two differ for times late or early in the day."""
    value = extract_html(html, url=url).date
    found = parse_date(value, now)
    if found is None:
        return None, None
    if found.precision not in ("day", "time"):
        return str(found), str(found)
    try:
        local = datetime.fromisoformat(value).date().isoformat()
    except (TypeError, ValueError):
        local = found.when.date().isoformat()
    return found.when.date().isoformat(), local


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "extraction-dev")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    truth = json.loads((args.data / "evaldata.json").read_text(encoding="utf-8"))
    by_file = {item["file"] + ".gz": (url, item["date"]) for url, item in truth.items() if item.get("date")}
    now = datetime.now(timezone.utc)
    counts = {"0.1": Counter(), "now, UTC day": Counter(), "now, page's day": Counter()}
    t0 = time.perf_counter()
    n = 0
    for raw in iter_documents([args.data / "html"]):
        if raw.doc_id not in by_file or raw.kind == "rejected":
            continue
        url, label = by_file[raw.doc_id]
        utc_day, page_day = new_rule(raw.content, url, now)
        for name, got in (("0.1", old_rule(raw.content, url)), ("now, UTC day", utc_day), ("now, page's day", page_day)):
            counts[name]["no date" if got is None else "right day" if got == label else "wrong day"] += 1
        n += 1
        if args.limit and n >= args.limit:
            break
    print(f"{n} labelled pages, {time.perf_counter() - t0:.0f} s")
    for name, c in counts.items():
        print(f"  {name:15s} right day {c['right day']:4d}  wrong day {c['wrong day']:4d}  no date {c['no date']:4d}")


if __name__ == "__main__":
    main()
