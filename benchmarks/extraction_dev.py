"""Does samestory's cleaning keep real text? Scores on the 990 pages of extraction-dev.

Compares, on the same pages read the same way:
- trafilatura alone, with the settings samestory uses (`samestory.clean.extract.extract_html`);
- samestory's clean text from a full run over the folder (trafilatura, then the chrome-line
  filter, the leading-title drop and the site boilerplate learned across these 990 pages),
  with every other setting at its default.

A "with" segment found in the text (whitespace normalised) is kept, a "without" segment
found is leaked. The figures: with-segments kept and without-segments dropped, for both,
scored twice: on the body text alone, and on the record a user gets (title + text, for
both tools): samestory moves a headline that opens the text into the `title` column, so
the body-text score counts those headlines as lost although they are in the output.

    python benchmarks/extraction_dev.py [--data ../shared/data/extraction-dev] [--workers 1] [--show 20]
    python benchmarks/extraction_dev.py --as-one-site --min-share 0   # stress: the 3-page floor alone
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samestory.clean.extract import extract_html  # noqa: E402
from samestory.config import Settings  # noqa: E402
from samestory.pipeline import run  # noqa: E402
from samestory.read import iter_documents  # noqa: E402


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def score(texts: dict[str, str | None], truth: dict[str, dict]) -> dict:
    kept = leaked = n_with = n_without = 0
    for name, item in truth.items():
        text = norm(texts.get(name))
        for seg in item["with"]:
            n_with += 1
            kept += norm(seg) in text
        for seg in item["without"]:
            n_without += 1
            leaked += norm(seg) in text
    precision = kept / (kept + leaked) if kept + leaked else 0.0
    recall = kept / n_with if n_with else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "with_kept": kept, "with_total": n_with,
        "without_dropped": n_without - leaked, "without_total": n_without,
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "extraction-dev")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--show", type=int, default=20, help="list up to this many segments where the two differ")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON only")
    ap.add_argument("--as-one-site", action="store_true",
                    help="stress test: treat all 990 pages (934 real sites) as one site when learning boilerplate")
    ap.add_argument("--min-share", type=float, default=None, help="override boilerplate_min_share")
    args = ap.parse_args()

    evaldata = json.loads((args.data / "evaldata.json").read_text(encoding="utf-8"))
    truth = {item["file"]: item for item in evaldata.values()}
    html_dir = args.data / "html"

    def file_of(doc_id: str) -> str:
        return doc_id[:-3] if doc_id.endswith(".gz") else doc_id

    t0 = time.perf_counter()
    alone: dict[str, str | None] = {}
    alone_titles: dict[str, str | None] = {}
    for raw in iter_documents([html_dir]):
        name = file_of(raw.doc_id)
        alone[name] = alone_titles[name] = None
        if raw.kind != "html":
            continue
        try:
            got = extract_html(raw.content, url=raw.url)
        except Exception:  # counted as nothing extracted, as samestory rejects it
            continue
        alone[name], alone_titles[name] = got.text, raw.title or got.title
    t_alone = time.perf_counter() - t0

    settings = Settings().replace(run={"workers": args.workers, "progress": False}).replace(boilerplate={"min_share": args.min_share})
    if args.as_one_site:
        import samestory.pipeline

        samestory.pipeline.site_key = lambda url, site, doc_id: "all pages"
    t0 = time.perf_counter()
    result = run([html_dir], settings=settings)
    t_run = time.perf_counter() - t0
    docs = result.documents.to_pylist()
    ours = {file_of(r["doc_id"]): r["text"] for r in docs}
    titles = {file_of(r["doc_id"]): r["title"] for r in docs}

    missing = sorted(set(truth) - set(ours))
    a, b = score(alone, truth), score(ours, truth)
    record = lambda texts, titles: {k: f"{titles.get(k) or ''}\n{v or ''}" for k, v in texts.items()}  # noqa: E731
    a_rec, b_rec = score(record(alone, alone_titles), truth), score(record(ours, titles), truth)
    bp = result.boilerplate.to_pylist()
    figures = {
        "pages": len(truth), "pages_read": len(ours), "pages_missing": len(missing),
        "trafilatura_alone": a, "samestory": b,
        "trafilatura_alone_title_and_text": a_rec, "samestory_title_and_text": b_rec,
        "boilerplate_lines_learned": len(bp),
        "boilerplate_sites": len({r["site"] for r in bp}),
        "boilerplate_occurrences_removed": sum(r["removed_from_docs"] for r in bp),
        "chrome_lines_removed": sum(r["chrome_lines_removed"] for r in docs),
        "seconds_trafilatura_alone": round(t_alone, 1), "seconds_samestory_run": round(t_run, 1),
        "workers": args.workers,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return

    print(f"extraction-dev: {len(truth)} pages ({len(missing)} not read)")
    print(f"{'':24}{'with kept':>18}{'without dropped':>20}{'precision':>11}{'recall':>8}{'F1':>8}")
    for label, s in (("trafilatura alone", a), ("samestory", b),
                     ("  title + text: traf.", a_rec), ("  title + text: ours", b_rec)):
        print(f"{label:24}{s['with_kept']:>9,} / {s['with_total']:<6,}{s['without_dropped']:>11,} / {s['without_total']:<6,}"
              f"{s['precision']:>11.4f}{s['recall']:>8.4f}{s['f1']:>8.4f}")
    print(f"site boilerplate: {len(bp)} lines on {figures['boilerplate_sites']} sites, "
          f"{figures['boilerplate_occurrences_removed']} occurrences removed; chrome lines removed: {figures['chrome_lines_removed']}")
    print(f"time: trafilatura alone {t_alone:.1f}s, samestory run {t_run:.1f}s (workers={args.workers})")

    lost, extra_dropped = [], []
    for name, item in sorted(truth.items()):
        ta, tb = norm(alone.get(name)), norm(ours.get(name))
        for seg in item["with"]:
            s = norm(seg)
            if s in ta and s not in tb:
                in_title = s in norm(titles.get(name))
                lost.append((name, seg, in_title))
        for seg in item["without"]:
            s = norm(seg)
            if s in ta and s not in tb:
                extra_dropped.append((name, seg))
    print(f"\n'with' segments trafilatura keeps and samestory's text loses: {len(lost)}"
          f" ({sum(t for *_, t in lost)} of them are the page title, kept in the title column)")
    for name, seg, in_title in lost[: args.show]:
        print(f"  {name}: {seg[:100]!r}{'  [title]' if in_title else ''}")
    print(f"'without' segments trafilatura leaks and samestory drops: {len(extra_dropped)}")
    for name, seg in extra_dropped[: args.show]:
        print(f"  {name}: {seg[:100]!r}")
    if bp:
        print("\nlearned boilerplate (first lines):")
        for r in bp[: args.show]:
            print(f"  {r['site']}: {r['line'][:90]!r} on {r['removed_from_docs']}/{r['site_pages']} pages")


if __name__ == "__main__":
    main()
