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
    from samestory import Settings

    run = {"settings": Settings().replace(rewrite={"enabled": False}).to_dict(), "tiers": ["boilerplate", "lexical"],
           "inputs": {"paths": ["examples"], "files": 14, "documents": 22}}
    return write_report(out, documents, pairs, summary, boilerplate, run=run)


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
    # the boilerplate: one table, each site's total heading its lines
    assert page.page.locator("table.boilerplate").count() == 1 and page.page.locator("#summary-boilerplate").count() == 0
    assert "15 lines on 2 sites" in page.page.inner_text("#boilerplate-lines > summary")
    page.page.click("#boilerplate-lines > summary")
    table = page.page.inner_text("#boilerplate-table")
    assert "Subscribe <b>now</b>" in table
    assert table.index("The Harbour Courier — 12 lines removed") < table.index("Leave a comment")
    assert table.index("NewsBits — 3 lines removed") > table.index("Leave a comment")


def test_seed_group_shows_canonical_beside_member(page):
    page.search("seeds/001")
    assert page.group_count().startswith("1 group")
    group = page.page.locator("details.group").first
    assert group.get_attribute("open") is not None  # the first group of a page opens itself
    body = group.inner_text()
    assert SEED_CANON in body and SEED_REASON in body
    member = group.locator(f'details.member[data-member="{SEED_MEMBER}"]')
    rows = member.locator("table.align tbody tr:not(:has(td.gap))")  # the aligned pairs (others: unmatched sentences)
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


def test_tiers_settings_and_tier_off(page):
    tiers = page.page.inner_text("#run-info .tiers")
    assert "rewrites (sentence embeddings): tier off" in tiers and "site boilerplate removal ran" in tiers
    assert "examples (14 files, 22 documents)" in page.page.inner_text("#run-info")
    page.page.click("#settings > summary")
    rewrite = page.page.inner_text('table.settings[data-section="rewrite"]')
    assert "enabled\tfalse" in rewrite and "min_similarity\t0.7" in rewrite
    assert "tier off" in page.page.inner_text("#chart-relations")  # not "rewrite 0"
    assert "rewrite (tier off)" in page.page.inner_text("#relation-filter")


def test_evidence_in_words_and_scores_for_every_pair(page):
    page.search("seeds/001")
    member = page.page.locator(f'details.member[data-member="{SEED_MEMBER}"]')
    evidence = member.locator(".evidence").inner_text()
    assert "jaccard 0.020" in evidence and "containment 0.030" in evidence  # a rewrite pair shows both
    assert "83% of canonical's sentences and 62% of member's" in evidence
    for raw in ("coverage_a", "doc_cosine", "found_by", "one_to_one", "signature_overlap"):
        assert raw not in evidence
    # the member's sentences without a counterpart are in the view too, beside an empty cell
    rows = member.locator("table.align tbody tr")
    assert rows.count() > 5 and member.locator("table.align td.gap").count() == rows.count() - 5
    assert "without a counterpart" in member.locator(".scores").nth(1).inner_text()


def test_a_link_opens_one_group(browser, report_path):
    p = Page(browser, report_path)
    try:
        p.page.goto(report_path.as_uri() + "#group-6")
        p.page.wait_for_function("() => { var g = document.getElementById('group-6'); return g && g.open; }")
        group = p.page.locator("#group-6")
        assert group.locator("a.anchor").get_attribute("href") == "#group-6"
        p.page.locator("#group-list details.group").first.locator("a.anchor").click()
        assert p.page.evaluate("location.hash") == "#group-1"
        assert p.errors == []
    finally:
        p.page.close()


def test_sort_by_score(page):
    page.page.locator("#sort").select_option("score-asc")
    scores = [float(t.split()[1]) for t in page.page.locator("details.group .gscore").all_inner_texts() if t]
    assert len(scores) == 7 and scores == sorted(scores)
    page.page.locator("#sort").select_option("score-desc")
    scores = [float(t.split()[1]) for t in page.page.locator("details.group .gscore").all_inner_texts() if t]
    assert scores == sorted(scores, reverse=True)


def test_any_kept_document_text_is_viewable(page):
    page.page.fill("#doc-search", "lune-crossing")
    page.page.wait_for_function("() => document.getElementById('document-list').dataset.query === 'lune-crossing'")
    doc = page.page.locator("#document-list details.doc")
    assert doc.count() == 1 and "kept (unique)" in doc.inner_text()
    doc.locator("summary").click()
    assert "commuters" in doc.locator(".doctext").inner_text().lower()
