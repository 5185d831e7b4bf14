"""report.html in a real browser: Debian's headless Chromium driven by Playwright.

Skips (with the reason) when Playwright or Chromium is missing; under CI (CI=true) or with
SAMESTORY_REQUIRE_BROWSER=1 a missing browser is a failure instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from .report_fixtures import (
    HOSTILE_TEXT, HOSTILE_TITLE, SEED_CANON, SEED_MEMBER, SEED_REASON, examples_run, fixture_tables, synthetic_tables,
)
from samestory.output.report import write_report

CHROMIUM = os.environ.get("SAMESTORY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _missing(reason: str):
    if os.environ.get("SAMESTORY_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " (required under CI or SAMESTORY_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("browser tests need the Python package playwright (pip install 'playwright>=1.40,<2')")
    if not Path(CHROMIUM).exists():
        _missing(f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_path(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    documents, pairs, summary = fixture_tables(*examples_run())
    # as the boilerplate stage reports it (another branch): counts in the summary, lines in a table
    summary["boilerplate_removed_by_site"] = {"The Harbour Courier": 12, "NewsBits": 3}
    boilerplate = pa.table({"site": ["NewsBits", "The Harbour Courier"], "line": ["Subscribe <b>now</b>", "Leave a comment"],
                            "pages": [3, 12]})
    return write_report(out, documents, pairs, summary, boilerplate)


class Page:
    """A page with its console messages, uncaught errors and requests recorded."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1300, "height": 900})
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-ready='1']", timeout=20_000)

    def search(self, text: str) -> None:
        self.page.fill("#search", text)
        # the search box is debounced; the list records the query it was last drawn for
        self.page.wait_for_function("q => document.getElementById('group-list').dataset.query === q", arg=text)

    def group_count(self) -> str:
        return self.page.inner_text("#group-count")


@pytest.fixture
def page(browser, report_path):
    p = Page(browser, report_path)
    yield p
    p.page.close()


def test_page_loads_without_console_errors_or_network(page):
    assert page.errors == []
    assert [m for m in page.console if m[0] in ("error", "warning")] == []
    assert all(url.startswith(("file://", "data:")) for url in page.requests), page.requests
    cards = page.page.inner_text("#summary-cards")
    assert "documents" in cards and "groups" in cards
    # the two charts are drawn (relations: 4 bars; sizes: at least 4 bins)
    assert page.page.locator("#chart-relations svg rect").count() == 4
    assert page.page.locator("#chart-sizes svg rect").count() >= 4
    assert page.page.locator("details.group").count() == 7
    summary = page.page.inner_text("#summary-boilerplate")
    assert "The Harbour Courier\t12" in summary and "NewsBits\t3" in summary
    page.page.click("#boilerplate-lines > summary")
    assert "Subscribe <b>now</b>" in page.page.inner_text("#boilerplate-table")


def test_seed_group_shows_canonical_beside_member(page):
    page.search("seeds/001")
    assert page.group_count().startswith("1 group")
    group = page.page.locator("details.group").first
    assert group.get_attribute("open") is not None  # the first group of a page opens itself
    body = group.inner_text()
    assert SEED_CANON in body and SEED_REASON in body
    member = group.locator(f'details.member[data-member="{SEED_MEMBER}"]')
    rows = member.locator("table.align tbody tr")
    assert rows.count() == 5
    header = member.locator("table.align thead").inner_text()
    assert header.index("canonical") < header.index("member")
    third = rows.nth(2).locator("td")
    assert "Pal Hvistendahl" in third.nth(0).inner_text() and "Paul Hvittendal" in third.nth(1).inner_text()
    # changed names highlighted on both sides, each with its own spelling
    assert third.nth(0).locator("span.name").all_inner_texts() == ["Hvistendahl"]
    assert third.nth(1).locator("span.name").all_inner_texts() == ["Hvittendal"]
    assert rows.nth(3).locator("td").nth(1).locator("span.name").all_inner_texts() == ["Khvitendal"]
    scores = member.locator(".scores").first.inner_text()
    assert "rewrite" in scores and "0.910" in scores and "Hvistendahl → Hvittendal" in scores
    # the full texts open side by side, with the names highlighted there too
    member.locator("details.full > summary").click()
    full = member.locator(".fulltexts")
    left, right = full.locator(":scope > div").nth(0), full.locator(":scope > div").nth(1)
    assert "Johann-Dietrich Woerner" in left.inner_text() and "Woerner" in left.locator("span.name").all_inner_texts()
    assert "Werner" in right.locator("span.name").all_inner_texts()


def test_lexical_group_gets_a_computed_alignment(page):
    page.search("Tanner Street bridge closed")
    group = page.page.locator("details.group").first
    rows = group.locator("details.member table.align tbody tr")
    assert rows.count() >= 5
    assert group.locator("details.member table.align td.gap").count() >= 1  # the excerpt lacks sentences
    assert group.locator("details.member .scores").first.inner_text().count("partial") >= 1


def test_injected_markup_shows_as_text_and_runs_nothing(page):
    page.search("harbour festival")
    assert page.group_count().startswith("1 group")
    group = page.page.locator("details.group").first
    text = group.inner_text()
    assert HOSTILE_TEXT.split("\n")[0] in text
    assert HOSTILE_TITLE in text
    assert '<b onmouseover="window.__pwned=5">bold</b>' in text
    assert "<script>window.__pwned=7</script>" in text          # evidence values too
    group.locator("details.full > summary").first.click()
    group.locator("span").first.hover()
    rejected = page.page.inner_text("#rejected-list")
    assert '<img src=x onerror="window.__pwned=6">bad' in rejected
    page.page.wait_for_timeout(200)
    assert page.page.evaluate("typeof window.__pwned") == "undefined"
    assert page.page.locator("#group-list img, #group-list script, #rejected-list img").count() == 0
    assert page.dialogs == [] and page.errors == []


def test_relation_filter_and_search(page):
    select = page.page.locator("#relation-filter")
    select.select_option("rewrite")
    assert page.group_count().startswith("1 group")
    assert SEED_CANON in page.page.locator("details.group").first.inner_text()
    select.select_option("exact")
    assert page.group_count().startswith("3 groups")
    select.select_option("")
    assert page.group_count() == "7 groups"
    page.search("Noor Haddad")
    assert page.group_count().startswith("1 group")
    assert "chess" in page.page.locator("details.group").first.inner_text()
    page.search("nothing matches this zzqx")
    assert page.group_count().startswith("0 groups") and "No group matches" in page.page.inner_text("#group-list")
    page.search("")
    assert page.group_count() == "7 groups"


def test_ten_thousand_groups_render_lazily(browser, tmp_path):
    path = write_report(tmp_path, *synthetic_tables(10_000))
    p = Page(browser, path)
    try:
        assert p.errors == []
        assert p.group_count() == "10,000 groups"
        # one page of groups in the DOM, and only the opened group has a body
        assert p.page.locator("details.group").count() == 25
        assert p.page.locator(".gbody").count() == 1
        assert p.page.inner_text("#group-page") == "page 1 of 400"
        p.page.click("#group-next")
        assert p.page.inner_text("#group-page") == "page 2 of 400"
        p.search("zq09999x")
        assert p.group_count().startswith("1 group")
        assert "Story number 9999" in p.page.locator("details.group").first.inner_text()
        p.search("")
        p.page.locator("#relation-filter").select_option("partial")
        assert p.group_count().startswith("3,334 groups")
    finally:
        p.page.close()
