"""Plain-text copies with page chrome around them: how much chrome a run keeps, how much article it loses.

Articles (read from ../shared/data at run time, benchmarks/chrome_corpora.py):
- extraction-dev: each page's certified article lines (its extracted lines that hold a
  must-keep segment and no must-drop segment), for pages with at least 2 such lines and 40
  words; pages split into a development part (used while writing the chrome rules) and a
  held-out part (xxh3(file) % 4 == 0), reported apart;
- WMT21: the 247 source articles (German, French, English, Icelandic news), text that the
  rules were not written on.

Each article becomes a `.txt` document with chrome blocks appended (always: 2-4 of a comment
form, comment count, tags and categories, share bar, newsletter box, related posts, footer,
site-specific lines) and prepended (half of them: navigation, share bar, cookie notice,
byline, site-specific lines), in one of 8 languages (the article's own for WMT's de, fr, en;
else drawn: en and de 30 % each, fr, es, it, pt, nl, ru the rest). Three variants, each its
own corpus and run:
- `blocks`: the generated blocks only;
- `blocks+drop` (the figure of record): the blocks, with the page's own must-drop segments
  as one more block at a random place (extraction-dev pages only have them);
- `drop`: the page's must-drop segments alone, appended (no interface block to find them by).

Every document lies in its own folder, so no site has more than one page: site boilerplate
cannot be learned, only the corpus-wide lines. A chrome line is kept when an output line
equals it (whitespace normalised); article words are lost with the article lines missing
from the output (a rejected document loses all).

    python benchmarks/leak_plaintext.py [--baseline /tmp/clean21/base] [--out /tmp/leak] [--variants blocks blocks+drop drop]

`--baseline TREE` also runs another checkout of samestory (e.g. 0.2) on the same corpora.
Runs use the CLI (rewrite tier off, one worker) with PYTHONPATH set to each tree.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import xxhash

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chrome_corpora import (  # noqa: E402
    END_KINDS, LANGS, START_KINDS, Article, chrome_blocks, extraction_dev_articles, norm, wmt_articles, words,
)

LANG_WEIGHTS = {"en": 0.3, "de": 0.3, "fr": 0.4 / 6, "es": 0.4 / 6, "it": 0.4 / 6, "pt": 0.4 / 6, "nl": 0.4 / 6, "ru": 0.4 / 6}


def build_document(article: Article, variant: str, titles: list[str]) -> tuple[list[str], list[str]]:
    """The document's lines and the chrome lines in it."""
    rng = random.Random(xxhash.xxh3_64_intdigest(f"{variant}:{article.name}".encode()))
    lang = article.lang if article.lang in LANGS else rng.choices(list(LANG_WEIGHTS), list(LANG_WEIGHTS.values()))[0]
    related = rng.sample(titles, 3)
    site = rng.choice(["Blog", "News", "Magazin", "Journal", "Revista", "Post"]) + f" {rng.randint(1, 99)}"
    blocks = chrome_blocks(lang, rng, site, related)
    start: list[list[str]] = []
    end: list[list[str]] = []
    if variant in ("blocks", "blocks+drop"):
        end = [blocks[k] for k in rng.sample(END_KINDS, rng.randint(2, 4))]
        if rng.random() < 0.5:
            start = [blocks[k] for k in rng.sample(START_KINDS, rng.randint(1, 2))]
    drop = [s.strip() for s in article.drop if s.strip()]
    if variant == "blocks+drop" and drop:
        end.insert(rng.randint(0, len(end)), drop)
    if variant == "drop":
        end = [drop]
    head = [line for block in start for line in block]
    tail = [line for block in end for line in block]
    return head + article.lines + tail, head + tail


def write_corpus(articles: list[Article], variant: str, folder: Path, titles: list[str]) -> dict[str, dict]:
    """One folder per document (no site), doc.txt inside; returns doc_id -> facts."""
    facts = {}
    for k, article in enumerate(articles):
        lines, chrome = build_document(article, variant, titles)
        doc_dir = folder / f"{k:05d}"
        doc_dir.mkdir(parents=True, exist_ok=True)
        # paragraphs apart by a blank line, as plain-text copies usually are
        (doc_dir / "doc.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        facts[f"{k:05d}/doc.txt"] = {"article": article, "chrome": chrome}
    return facts


def run_tree(tree: Path, corpus: Path, out: Path, extra: str = "") -> dict[str, str | None]:
    config = out.with_suffix(".toml")
    config.write_text("[run]\nworkers = 1\nprogress = false\n[rewrite]\nenabled = false\n" + extra, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, "-m", "samestory.cli", "run", str(corpus), "--out", str(out), "--overwrite", "--quiet",
           "--no-report", "--config", str(config)]
    subprocess.run(cmd, env=env, check=True, cwd=str(tree))
    table = pq.read_table(out / "documents.parquet", columns=["doc_id", "text"]).to_pylist()
    return {r["doc_id"]: r["text"] for r in table}


def score(facts: dict[str, dict], texts: dict[str, str | None], select) -> dict:
    docs = leaking = chrome_total = chrome_kept = words_total = words_lost = rejected = 0
    kept_lines: Counter = Counter()
    for doc_id, f in facts.items():
        article = f["article"]
        if not select(article):
            continue
        docs += 1
        text = texts.get(doc_id)
        rejected += text is None
        out_lines = {norm(line) for line in (text or "").split("\n") if line.strip()}
        article_lines = {norm(line) for line in article.lines}
        kept = [c for c in f["chrome"] if norm(c) in out_lines and norm(c) not in article_lines]
        chrome_total += sum(1 for c in f["chrome"] if norm(c) not in article_lines)
        chrome_kept += len(kept)
        leaking += bool(kept)
        kept_lines.update(kept)
        for line in article.lines:
            w = words(line)
            words_total += w
            if norm(line) not in out_lines:
                words_lost += w
    return {
        "documents": docs, "documents_keeping_chrome": leaking,
        "share_keeping_chrome": round(leaking / docs, 4) if docs else 0.0,
        "chrome_lines": chrome_total, "chrome_lines_kept": chrome_kept,
        "article_words": words_total, "article_words_lost": words_lost,
        "share_article_words_lost": round(words_lost / words_total, 5) if words_total else 0.0,
        "rejected": rejected, "most_kept": kept_lines.most_common(12),
    }


SUBSETS = {
    "extraction-dev held out": lambda a: a.lang is None and a.held_out,
    "extraction-dev development": lambda a: a.lang is None and not a.held_out,
    "wmt21": lambda a: a.lang is not None,
    "all": lambda a: True,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", type=Path, action="append", default=[], help="another samestory checkout to run too")
    ap.add_argument("--out", type=Path, default=None, help="keep the corpora and runs in this folder (default: a temporary one)")
    ap.add_argument("--variants", nargs="+", default=["blocks", "blocks+drop", "drop"])
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--try-setting", action="append", default=[],
                    help='one more samestory row with a [boilerplate] setting changed, e.g. "corpus_min_docs = 5"')
    args = ap.parse_args()

    t0 = time.perf_counter()
    ed, skipped = extraction_dev_articles()
    wmt = wmt_articles()
    titles = sorted({a.title for a in ed + wmt if a.title})
    print(f"articles: {len(ed)} extraction-dev pages ({sum(a.held_out for a in ed)} held out; {skipped} skipped), "
          f"{len(wmt)} WMT21 articles; built in {time.perf_counter() - t0:.0f} s", flush=True)
    systems = [("samestory", ROOT, ""), ("samestory, corpus lines off", ROOT, "[boilerplate]\ncorpus_lines = false\n")]
    systems += [(f"samestory, {extra}", ROOT, f"[boilerplate]\n{extra}\n") for extra in args.try_setting]
    systems += [(f"baseline {tree}", tree, "") for tree in args.baseline]
    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = args.out or Path(tmp)  # --out: the corpora and runs stay there
        for variant in args.variants:
            articles = ed + (wmt if variant != "drop" else [])
            corpus = work / f"corpus-{variant.replace('+', '-')}"
            facts = write_corpus(articles, variant, corpus, titles)
            for label, tree, extra in systems:
                t1 = time.perf_counter()
                runs = sum(len(v) for v in figures.values())
                texts = run_tree(tree, corpus, work / f"out-{variant.replace('+', '-')}-{runs}", extra)
                for subset, select in SUBSETS.items():
                    s = score(facts, texts, select)
                    if s["documents"]:
                        figures.setdefault(variant, {}).setdefault(label, {})[subset] = s
                figures[variant][label]["seconds"] = round(time.perf_counter() - t1, 1)
                print(f"{variant:12} {label:32} " + "  ".join(
                    f"{sub}: chrome kept in {s['share_keeping_chrome']:.1%} of {s['documents']}, words lost "
                    f"{s['share_article_words_lost']:.2%}" for sub, s in figures[variant][label].items()
                    if isinstance(s, dict)), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    for variant, by_system in figures.items():
        print(f"\n== {variant}")
        print(f"{'system':34}{'subset':28}{'docs':>6}{'keep chrome':>13}{'lines kept':>14}{'words lost':>12}{'rejected':>9}")
        for label, by_subset in by_system.items():
            for subset, s in by_subset.items():
                if not isinstance(s, dict):
                    continue
                print(f"{label:34}{subset:28}{s['documents']:>6}{s['share_keeping_chrome']:>12.1%} "
                      f"{s['chrome_lines_kept']:>6}/{s['chrome_lines']:<7}{s['share_article_words_lost']:>11.2%}{s['rejected']:>9}")
        s = by_system["samestory"]["all"]
        print("most kept chrome lines (samestory, all):", s["most_kept"])


if __name__ == "__main__":
    main()
