"""Templated HTML pages: how often the clean text keeps a piece of the site's template.

Real articles (read from ../shared/data at run time: WMT21's 247 source articles in German,
French, English and Icelandic, and the certified article lines of extraction-dev's held-out
pages, benchmarks/chrome_corpora.py) are put into the pages of 12 made-up sites, each with its
own template in one of 8 languages: header, menu and log-in links, cookie notice, breadcrumb,
byline, a share bar, a "read more" link between paragraphs, tags and categories, related
posts, a newsletter box, readers' comments with a reply form, a sidebar and a footer with
site-specific lines. Sites differ in structure: some name their boxes ("share", "related",
"comments"), others use neutral classes; some put the boxes inside the article element.
Each page names its URL (`<link rel="canonical">`), so pages of one site share a host.

A page keeps chrome when its clean text holds a template string: a string of two or more
words found in the text, or a one-word string that is a whole line of it (strings that the
article itself contains are not counted). Article words are lost with the article
paragraphs missing from the text.

Two corpora, each its own run: `sites` (the 446 pages spread over the 12 sites, so site
boilerplate can be learned) and `one-per-site` (every page on its own host: only the
page-level rules and corpus-wide lines can act).

    python benchmarks/templated_pages.py [--baseline /tmp/clean21/base] [--out /tmp/templated]

Systems: trafilatura alone (balanced; favor_precision), samestory, and `--baseline` trees (CLI).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
import xxhash

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chrome_corpora import LANGS, SITE_NAMES, UI, Article, extraction_dev_articles, norm, wmt_articles, words  # noqa: E402

N_SITES = 12
e = html.escape


def _box(cls: str, semantic: bool, rng: random.Random) -> str:
    return cls if semantic else f"box-{rng.randint(10, 99)}"


class Site:
    def __init__(self, k: int, rng: random.Random):
        self.lang = LANGS[k % len(LANGS)]
        self.name = SITE_NAMES[k % len(SITE_NAMES)] + (f" {k}" if k >= len(SITE_NAMES) else "")
        self.host = f"{self.name.lower().replace(' ', '-')}-{k}.example"
        self.semantic = k % 2 == 0           # named boxes, or neutral class names
        self.inside = k % 3 == 0             # share/tags/related inside the <article>
        self.comments = k % 4 != 3
        self.rng = rng


def page(site: Site, article: Article, slug: str, related: list[str], rng: random.Random) -> tuple[str, list[str]]:
    """The page's HTML and its template strings (what must not be in the clean text)."""
    ui = UI[site.lang]
    chrome: list[str] = []

    def t(text: str) -> str:
        chrome.append(text)
        return e(text)

    cats = rng.sample(ui["cats"], 2)
    tags = rng.sample(ui["tags"], 3)
    date = f"{rng.randint(1, 28)} {rng.choice(ui['months'])} 2023"
    author = rng.choice(ui["authors"])
    box = lambda cls: _box(cls, site.semantic, rng)  # noqa: E731
    title = article.title or article.lines[0]
    body = article.lines[1:] if article.title == article.lines[0] else article.lines
    nav = "".join(f'<li><a href="/{i}">{t(x)}</a></li>' for i, x in enumerate(ui["nav"]))
    head = (f'<header><div class="logo"><a href="/">{t(site.name)}</a></div><nav><ul>{nav}</ul></nav>'
            f'<a href="/login">{t(ui["login"])}</a> <a href="/search">{t(ui["search"])}</a></header>')
    cookie = (f'<div class="{box("cookie-notice")}"><p>{t(ui["cookie"][0])}</p><button>{t(ui["cookie"][1])}</button>'
              f'<a href="/cookies">{t(ui["cookie"][2])}</a></div>')
    crumbs = f'<div class="{box("breadcrumb")}"><a href="/">{t(ui["nav"][0])}</a> » <a href="/c">{t(cats[0])}</a></div>'
    share = (f'<div class="{box("share")}"><span>{t(ui["share"][0])}</span> '
             + " ".join(f'<a href="/s{i}">{t(x)}</a>' for i, x in enumerate(ui["share"][1:])) + "</div>")
    meta = f'<p class="{box("meta")}">{t(ui["posted_on"].format(date=date, author=author))}</p>'
    paras = [f"<p>{e(p)}</p>" for p in body]
    if len(paras) > 3 and rng.random() < 0.6:
        paras.insert(len(paras) // 2, f'<p><strong>{t(ui["read_also"])}</strong> <a href="/r">{t(related[0])}</a></p>')
    tag_line = (f'<div class="{box("tags")}">{t(ui["posted_in"] + " " + cats[0])} · '
                f'{t(ui["tagged"] + " " + ", ".join(tags))}</div>')
    rel = (f'<div class="{box("related")}"><h3>{t(ui["related"])}</h3><ul>'
           + "".join(f'<li><a href="/p{i}">{t(x)}</a></li>' for i, x in enumerate(related[1:4])) + "</ul></div>")
    news = (f'<div class="{box("newsletter")}"><h4>{t(ui["newsletter"][0])}</h4><p>{t(ui["newsletter"][1])}</p>'
            f'<form><input placeholder="{e(ui["newsletter"][2])}"><button>{t(ui["newsletter"][3])}</button></form></div>')
    comments = ""
    if site.comments:
        n = rng.randint(1, 3)
        items = "".join(f'<div class="{box("comment")}"><p class="{box("comment-author")}">{t(rng.choice(ui["authors"]))}</p>'
                        f'<p>{t(c)}</p><a href="#r">{t(ui["reply"])}</a></div>' for c in rng.sample(ui["comments"], n))
        labels = "".join(f"<p><label>{t(x)}</label><input></p>" for x in ui["form"][:4])
        comments = (f'<div id="{box("comments")}"><h3>{t(ui["comments_n"].format(n=n))}</h3>{items}'
                    f'<div id="{box("respond")}"><h3>{t(ui["leave"])}</h3><p>{t(ui["email_note"])} {t(ui["required"])}</p>'
                    f'<form>{labels}<button>{t(ui["form"][4])}</button></form></div></div>')
    aside = (f'<aside><h3>{t(ui["more_like"])}</h3><ul>' + "".join(f"<li><a href='/o{i}'>{t(x)}</a></li>"
                                                                   for i, x in enumerate(related[4:6]))
             + f"</ul><p>{t(ui['own'][2])}</p></aside>")
    legal = " · ".join(t(x.format(site=site.name)) for x in ui["legal"])
    foot = f'<footer><p>{legal}</p><p>{t(ui["own"][3])}</p></footer>'
    inner = share + "".join(paras) + (tag_line + share + rel if site.inside else "")
    outer = "" if site.inside else tag_line + share + rel
    main = (f'<main><article><h1>{e(title)}</h1>{meta}{inner}</article>{outer}{news}{comments}</main>')
    url = f"https://www.{site.host}/{slug}"
    doc = (f'<!DOCTYPE html><html lang="{site.lang}"><head><meta charset="utf-8"><title>{e(title)} | {e(site.name)}</title>'
           f'<link rel="canonical" href="{url}"><meta property="og:site_name" content="{e(site.name)}"></head>'
           f"<body>{cookie}{head}{crumbs}{main}{aside}{foot}</body></html>")
    return doc, chrome


def build(articles: list[Article], one_per_site: bool, folder: Path, titles: list[str]) -> dict[str, dict]:
    sites = [Site(k, random.Random(k)) for k in range(N_SITES)]
    facts = {}
    for k, article in enumerate(articles):
        prng = random.Random(xxhash.xxh3_64_intdigest(article.name.encode()))
        site = sites[prng.randrange(N_SITES)]
        if one_per_site:
            site = Site(prng.randrange(N_SITES), prng)
            site.host = f"site-{k:04d}.example"
        related = prng.sample(titles, 6)
        doc, chrome = page(site, article, f"{k:05d}", related, prng)
        name = f"{k:05d}.html"
        (folder / name).write_text(doc, encoding="utf-8")
        facts[name] = {"article": article, "chrome": chrome}
    return facts


def score(facts: dict, texts: dict[str, str | None]) -> dict:
    pages = leaking = lost = total = rejected = 0
    kept_strings: dict[str, int] = {}
    for name, f in facts.items():
        article: Article = f["article"]
        text = texts.get(name)
        rejected += text is None
        out = norm(text)
        out_lines = {norm(x) for x in (text or "").split("\n")}
        body = norm(" ".join(article.lines + [article.title or ""]))
        kept = []
        for c in set(f["chrome"]):
            nc = norm(c)
            if not nc or nc in body:
                continue
            if (len(nc.split()) >= 2 and nc in out) or nc in out_lines:
                kept.append(c)
        pages += 1
        leaking += bool(kept)
        for c in kept:
            kept_strings[c] = kept_strings.get(c, 0) + 1
        for line in article.lines:
            if article.title and line == article.title:
                continue  # the headline: the title column, not the text
            w = words(line)
            total += w
            lost += w * (norm(line) not in out)
    return {"pages": pages, "pages_keeping_chrome": leaking, "share_keeping_chrome": round(leaking / pages, 4),
            "article_words": total, "share_article_words_lost": round(lost / total, 5) if total else 0.0,
            "rejected": rejected, "most_kept": sorted(kept_strings.items(), key=lambda kv: -kv[1])[:12]}


def trafilatura_alone(folder: Path, mode: str) -> dict[str, str | None]:
    from samestory.clean.extract import extract_html

    out = {}
    for path in sorted(folder.glob("*.html")):
        got = extract_html(path.read_text(encoding="utf-8"), mode=mode, retry=False)
        out[path.name] = got.text
    return out


def run_tree(tree: Path, folder: Path, out: Path) -> dict[str, str | None]:
    config = out.with_suffix(".toml")
    config.write_text("[run]\nworkers = 1\nprogress = false\n[rewrite]\nenabled = false\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "samestory.cli", "run", str(folder), "--out", str(out), "--overwrite", "--quiet",
                    "--no-report", "--config", str(config)], env=dict(os.environ, PYTHONPATH=str(tree)), cwd=str(tree),
                   check=True)
    rows = pq.read_table(out / "documents.parquet", columns=["doc_id", "text"]).to_pylist()
    return {r["doc_id"]: r["text"] for r in rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", type=Path, action="append", default=[])
    ap.add_argument("--out", type=Path, default=None, help="keep the pages and runs here (default: a temporary folder)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    wmt = wmt_articles()
    ed, _ = extraction_dev_articles()
    held = [a for a in ed if a.held_out]
    articles = wmt + held
    titles = sorted({a.title for a in wmt + ed if a.title})
    print(f"{len(articles)} articles ({len(wmt)} WMT21, {len(held)} extraction-dev held out), {N_SITES} sites", flush=True)
    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = args.out or Path(tmp)
        for corpus in ("sites", "one-per-site"):
            folder = work / corpus
            folder.mkdir(parents=True, exist_ok=True)
            facts = build(articles, corpus == "one-per-site", folder, titles)
            systems = {"trafilatura alone (balanced)": lambda: trafilatura_alone(folder, "balanced"),
                       "trafilatura alone (favor_precision)": lambda: trafilatura_alone(folder, "precision"),
                       "samestory": lambda: run_tree(ROOT, folder, work / f"out-{corpus}-samestory")}
            for k, tree in enumerate(args.baseline):
                systems[f"baseline {tree}"] = lambda tree=tree, k=k: run_tree(tree, folder, work / f"out-{corpus}-base{k}")
            for label, make in systems.items():
                t0 = time.perf_counter()
                s = score(facts, make())
                s["seconds"] = round(time.perf_counter() - t0, 1)
                figures.setdefault(corpus, {})[label] = s
                print(f"{corpus:13} {label:38} chrome kept in {s['share_keeping_chrome']:.1%} of {s['pages']} pages, "
                      f"article words lost {s['share_article_words_lost']:.2%}, rejected {s['rejected']}, {s['seconds']} s",
                      flush=True)
            print("  most kept (samestory):", figures[corpus]["samestory"]["most_kept"])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
