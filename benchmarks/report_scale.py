"""How report.html scales: generation time, file size and browser timings at N groups.

    PYTHONPATH=$PWD python benchmarks/report_scale.py --groups 10000 --members 2 --words 300

Builds synthetic tables (seeded; each group a canonical article plus `members` near copies with
a few words changed and a sentence dropped), writes report.html, then opens it in Debian's
headless Chromium (Playwright) and times: load until the page has drawn itself, a text search,
a relation filter, the next page, and opening a group's side-by-side view.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from samestory.output import DOCUMENT_SCHEMA, PAIR_SCHEMA, summarize
from samestory.output.report import build_report_data, render_report

VOCAB = ("council harbour ferry bridge library weather festival school museum market station river valley "
         "minister mayor police company workers residents visitors volunteers engineers farmers doctors "
         "announced approved rejected opened closed repaired delayed expanded reduced planned said reported "
         "new old large small local regional national public private early late main second final").split()


def article(rng: random.Random, words: int) -> list[str]:
    sentences, total = [], 0
    while total < words:
        n = rng.randint(8, 24)
        s = " ".join(rng.choice(VOCAB) for _ in range(n))
        sentences.append(s[0].upper() + s[1:] + ".")
        total += n
    return sentences


def tables(groups: int, members: int, words: int, seed: int = 7):
    rng = random.Random(seed)
    docs, pairs = [], []
    base = {name: None for name in DOCUMENT_SCHEMA.names}
    for g in range(groups):
        sents = article(rng, words)
        canon = f"site{g % 300}/a{g:06d}.html"
        docs.append({**base, "doc_id": canon, "source": canon, "status": "ok", "url": f"https://site{g % 300}.example/{g}",
                     "title": f"Article {g}: " + sents[0][:60], "text": "\n".join(sents), "n_words": words,
                     "cluster_id": canon, "is_canonical": True, "canonical_reason": "earliest date (2024-01-01)"})
        for k in range(members):
            copy = list(sents)
            del copy[rng.randrange(len(copy))]
            for _ in range(3):
                i = rng.randrange(len(copy))
                w = copy[i].split()
                w[rng.randrange(len(w))] = rng.choice(VOCAB)
                copy[i] = " ".join(w)
            member = f"copy{k}/a{g:06d}.html"
            rel = ("near", "partial", "exact")[g % 3]
            docs.append({**base, "doc_id": member, "source": member, "status": "ok", "url": f"https://copy{k}.example/{g}",
                         "title": f"Article {g}", "text": "\n".join(copy), "n_words": words, "cluster_id": canon,
                         "relation": rel, "score": 0.8})
            pairs.append({"doc_a": canon, "doc_b": member, "relation": rel, "score": 0.8, "jaccard": 0.8,
                          "containment": 0.9, "evidence": json.dumps({"found_by": ["minhash-lsh"]})})
    documents = pa.Table.from_pylist(docs, schema=DOCUMENT_SCHEMA)
    pair_table = pa.Table.from_pylist(pairs, schema=PAIR_SCHEMA)
    return documents, pair_table, summarize(documents, pair_table)


def browser_timings(path: Path, chromium: str) -> dict:
    from playwright.sync_api import sync_playwright

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=flags)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        t = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector("html[data-ready='1']", timeout=120_000)
        out["load_to_drawn_s"] = time.perf_counter() - t

        def timed(name, action, query):
            t = time.perf_counter()
            action()
            page.wait_for_function("q => document.getElementById('group-list').dataset.query === q", arg=query, timeout=120_000)
            out[name] = time.perf_counter() - t

        # debounce of 150 ms included in the search timings
        timed("first_search_s", lambda: page.fill("#search", "a009999"), "a009999")
        timed("second_search_s", lambda: page.fill("#search", "harbour ferry"), "harbour ferry")
        timed("clear_search_s", lambda: page.fill("#search", ""), "")
        t = time.perf_counter()
        page.locator("#relation-filter").select_option("near")
        out["relation_filter_s"] = time.perf_counter() - t
        t = time.perf_counter()
        page.click("#group-next")
        page.wait_for_selector("#group-page:has-text('page 2 of')")
        out["next_page_s"] = time.perf_counter() - t
        t = time.perf_counter()
        page.locator("details.group").nth(1).locator("summary").first.click()
        page.locator("details.group").nth(1).locator("table.align").first.wait_for()
        out["open_group_s"] = time.perf_counter() - t
        out["js_heap_mb"] = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null")
        out["page_errors"] = errors
        browser.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=10_000)
    ap.add_argument("--members", type=int, default=2)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()

    t = time.perf_counter()
    documents, pairs, summary = tables(args.groups, args.members, args.words)
    result = {"groups": args.groups, "members_per_group": args.members, "words_per_doc": args.words,
              "make_tables_s": time.perf_counter() - t}
    t = time.perf_counter()
    data = build_report_data(documents, pairs, summary)
    result["build_data_s"] = time.perf_counter() - t
    t = time.perf_counter()
    html = render_report(data)
    result["render_html_s"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.html"
        path.write_text(html, encoding="utf-8")
        result["report_mb"] = path.stat().st_size / 1e6
        if not args.no_browser:
            result.update(browser_timings(path, args.chromium))
    for key, value in result.items():
        print(f"{key:20s} {value:.3f}" if isinstance(value, float) else f"{key:20s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
