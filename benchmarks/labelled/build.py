"""Build the labelled benchmark corpus from real article text (seeded, deterministic).

Base text: the real news/blog pages in ../shared/data/extraction-dev/html/*.html.gz
(relative to the repository root; `--pages` points elsewhere). Each page's main text is
extracted with samestory's own trafilatura call, so an exact copy extracts to the same text.

Corpus layout (doc ids are paths relative to corpus/, as `samestory run corpus/` names them):
  real/<page>.html.gz         real pages: sources' originals and unrelated distractors
  sites/<site>/<slug>.html    copies in five made-up site templates; hand-written stories
  feeds/chrome-text.jsonl     plain-text copies wrapped in site chrome (JSONL, `text` field)
labels.csv (beside corpus/, not in it): doc_id,group,variant.

How each variant is made (all seeded by --seed):
  original          the real page itself (a source of a group)
  exact-html        the source's extracted paragraphs, unchanged, in another site's template
  near-edit         typos in ~2% of words (letter swap / drop / doubling), straight quotes to
                    curly and hyphens/double hyphens to en/em dashes, one paragraph dropped,
                    a byline paragraph added; another template
  partial-excerpt   the first ~35% of the paragraphs (>= 60 words) plus a "read the full
                    story" line, on an aggregator template
  partial-abridged  about half of the paragraphs, in order, on an aggregator template
  chrome-text       the text as plain text inside site chrome lines (menu, log-in, share,
                    cookie and copyright lines) in a JSONL feed
  rewrite-synth     machine-made rewrite: per paragraph, ~15% of sentences dropped, long
                    sentences split at ", and" / "; " / ", but", ~25% of neighbouring
                    sentences merged with "and", sentence order shuffled, then every word in
                    a hand-written synonym table replaced (SYNONYMS below), ~30% of
                    neighbouring paragraphs swapped; another template
  rewrite-hand      hand-written paraphrase of a hand-written story (stories.py)
  same-event        hand-written independent article on the same made-up event as a
                    hand-written story: same names and numbers, its own sentences (negative)
  distractor        an unrelated real page (a singleton group)
Only English pages (stop-word share) are sources, since the rewrites substitute English
words; distractors are pages in any language.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import html
import json
import random
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_PAGES = REPO.parent / "shared" / "data" / "extraction-dev" / "html"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from stories import EVENTS  # noqa: E402

KINDS = ("exact-html", "near-edit", "partial-excerpt", "partial-abridged", "chrome-text", "rewrite-synth")
#: Each source gets this many of KINDS (seeded choice), so groups differ in make-up.
VARIANTS_PER_SOURCE = 3

_EN = set("the of and to in a is that for it was on with as by at from his her they be this are have has said".split())

SITES = {
    "northgazette": {
        "name": "The North Gazette", "host": "northgazette.example",
        "header": '<header class="site-header"><a class="logo" href="/">The North Gazette</a><nav><a href="/news">News</a> <a href="/politics">Politics</a> <a href="/business">Business</a> <a href="/sport">Sport</a> <a href="/login">Sign in</a></nav></header>',
        "wrap": ("<main><article class=\"story\">", "</article></main>"),
        "after": '<div class="share-tools">Share on Facebook | Share on X | Email this story</div><aside class="most-read"><h3>Most read</h3><ol><li><a href="/1">Council tax to rise by 4.9 percent</a></li><li><a href="/2">New stadium plans unveiled</a></li><li><a href="/3">Rail strike dates announced</a></li></ol></aside>',
        "footer": '<footer><p>&copy; 2024 The North Gazette Ltd. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/cookies">Cookie settings</a></footer>',
    },
    "citywire": {
        "name": "CityWire Daily", "host": "www.citywire-daily.example",
        "header": '<div id="masthead"><div class="brand">CityWire Daily</div><ul class="menu"><li><a href="/">Home</a></li><li><a href="/local">Local</a></li><li><a href="/world">World</a></li><li><a href="/subscribe">Subscribe</a></li></ul></div><div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/local">Local</a></div>',
        "wrap": ('<div class="content"><div class="story-body">', "</div></div>"),
        "after": '<div class="newsletter-box"><h4>Get our morning briefing</h4><p>Sign up for the CityWire newsletter and never miss a story.</p></div><div class="comments"><h4>Comments (0)</h4><p>Log in to join the conversation.</p></div>',
        "footer": '<div id="footer">CityWire Daily &middot; Independent local journalism &middot; <a href="/imprint">Imprint</a> &middot; <a href="/advertise">Advertise with us</a></div>',
    },
    "valleypost": {
        "name": "Valley Post", "host": "valleypost.example",
        "header": '<header><h2 class="site-title">Valley Post</h2><nav class="primary"><a href="/">Front page</a> <a href="/community">Community</a> <a href="/opinion">Opinion</a> <a href="/account">My account</a></nav></header>',
        "wrap": ('<section class="article-main">', "</section>"),
        "after": '<div class="tags">Tags: <a href="/t/local">local</a>, <a href="/t/news">news</a></div><div class="related"><h3>Related stories</h3><ul><li><a href="/a">School meals contract renewed</a></li><li><a href="/b">Bypass opening delayed again</a></li></ul></div>',
        "footer": '<footer class="site-footer"><p>Valley Post is published by Valley Media Group. Copyright 2024.</p><p>This site uses cookies. By continuing to browse you agree to our use of cookies.</p></footer>',
    },
    "globedigest": {
        "name": "Globe Digest", "host": "www.globedigest.example",
        "header": '<div class="topbar">Globe Digest &mdash; news from everywhere <a href="/login">Log in</a> <a href="/register">Register</a></div>',
        "wrap": ('<main id="main"><div class="post">', "</div></main>"),
        "after": '<p class="more"><a href="/latest">More from Globe Digest</a></p><div class="ad">Advertisement</div>',
        "footer": '<div class="foot">Globe Digest aggregates stories from publishers around the world. Copyright belongs to the original publishers.</div>',
    },
    "briefly": {
        "name": "Briefly", "host": "briefly-news.example",
        "header": '<div class="bar"><b>Briefly</b> | the day in short | <a href="/app">Get the app</a></div>',
        "wrap": ('<article class="brief">', "</article>"),
        "after": '<div class="source-note">Summarised from the original report. Read the full story at the source.</div>',
        "footer": '<div class="foot">Briefly &copy; 2024 &middot; <a href="/about">About</a> &middot; <a href="/contact">Contact</a></div>',
    },
}
PUBLISHERS = ("northgazette", "citywire", "valleypost")
AGGREGATORS = ("globedigest", "briefly")

CHROME_TOP = [
    ["Skip to main content", "Menu", "Log in | Subscribe"],
    ["Home > News > Local", "Advertisement"],
    ["Sign in", "Search", "Today's paper"],
]
CHROME_BOTTOM = [
    ["Share this article: Facebook, X, Email", "Related: Council budget vote delayed", "(c) 2024 Metro Wire. All rights reserved."],
    ["Leave a comment", "You must be logged in to post a comment.", "We use cookies to improve your experience."],
    ["Advertisement", "Read more stories like this", "Privacy policy | Terms of use"],
]

#: Hand-written synonym table for the synthetic rewrites (word -> replacement).
SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "big": "large", "large": "sizeable", "small": "little",
    "new": "fresh", "old": "former", "first": "initial", "last": "final", "many": "numerous", "more": "additional",
    "most": "the majority of", "important": "significant", "major": "key", "help": "assist", "helped": "assisted",
    "use": "employ", "used": "employed", "using": "employing", "make": "create", "made": "created", "makes": "creates",
    "show": "demonstrate", "shows": "demonstrates", "showed": "demonstrated", "start": "begin", "started": "began",
    "begin": "commence", "end": "finish", "ended": "finished", "get": "obtain", "got": "obtained", "buy": "purchase",
    "bought": "purchased", "need": "require", "needs": "requires", "needed": "required", "want": "wish",
    "wanted": "wished", "think": "believe", "thought": "believed", "believe": "consider", "find": "discover",
    "found": "discovered", "give": "provide", "gave": "provided", "given": "provided", "keep": "retain",
    "people": "individuals", "person": "individual", "children": "kids", "child": "kid", "company": "firm",
    "companies": "firms", "business": "enterprise", "government": "administration", "country": "nation",
    "city": "town", "area": "region", "areas": "regions", "place": "location", "year": "twelve months",
    "week": "seven days", "today": "this day", "also": "additionally", "however": "nevertheless", "but": "yet",
    "because": "since", "about": "roughly", "around": "approximately", "very": "highly", "really": "truly",
    "often": "frequently", "quickly": "rapidly", "fast": "rapid", "slow": "sluggish", "hard": "difficult",
    "easy": "simple", "good": "fine", "great": "excellent", "bad": "poor", "problem": "issue", "problems": "issues",
    "money": "funds", "job": "position", "jobs": "positions", "work": "labour", "worked": "laboured",
    "working": "labouring", "house": "home", "houses": "homes", "car": "vehicle", "cars": "vehicles",
    "try": "attempt", "tried": "attempted", "allow": "permit", "allowed": "permitted", "before": "prior to",
    "after": "following", "during": "throughout", "while": "whilst", "near": "close to", "next": "following",
    "now": "at present", "still": "yet", "only": "merely", "just": "simply", "enough": "sufficient",
    "several": "a number of", "various": "assorted", "different": "distinct", "similar": "comparable",
    "change": "alteration", "changes": "alterations", "changed": "altered", "increase": "rise",
    "increased": "rose", "decrease": "decline", "report": "account", "reported": "recounted", "main": "principal",
    "part": "portion", "high": "elevated", "low": "reduced", "local": "regional", "world": "globe",
    "according": "as per", "include": "comprise", "includes": "comprises", "including": "comprising",
    "example": "instance", "number": "quantity", "information": "details", "idea": "notion", "plan": "scheme",
    "plans": "schemes", "decided": "resolved", "announced": "declared", "expected": "anticipated",
    "likely": "probable", "possible": "feasible", "already": "previously", "although": "though",
    "across": "throughout", "between": "amid", "among": "amongst", "against": "versus", "within": "inside",
}

_WORD = re.compile(r"[A-Za-z]+")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")


# --------------------------------------------------------------------------- base texts


def extract_pages(pages: Path, cache: Path) -> list[dict]:
    """Main text of every page (cached in `cache`, keyed by the page files' names and sizes)."""
    files = sorted(pages.glob("*.html.gz"))
    if not files:
        raise SystemExit(f"error: no *.html.gz pages in {pages}; pass --pages (see benchmarks/labelled/README)")
    key = hashlib.sha256("".join(f"{f.name}:{f.stat().st_size}" for f in files).encode()).hexdigest()[:16]
    if cache.is_file():
        data = json.loads(cache.read_text())
        if data.get("key") == key:
            return data["pages"]
    from samestory.clean.extract import extract_html

    out = []
    for f in files:
        got = extract_html(gzip.open(f, "rb").read().decode("utf-8", "replace"))
        out.append({"file": f.name, "text": got.text or "", "title": got.title or ""})
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"key": key, "pages": out}))
    return out


def english(text: str) -> bool:
    words = text.lower().split()
    return bool(words) and sum(w in _EN for w in words) / len(words) > 0.15


def shingles(text: str, k: int = 5) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}


def drop_overlapping(pages: list[dict], limit: float = 0.2) -> tuple[list[dict], int]:
    """Keep pages sharing at most `limit` of their 5-grams with any kept page.

    The real pages come from a few sites; two may share long boilerplate or be copies
    themselves. Such pairs would be true duplicates labelled as unrelated, so drop them.
    """
    index: dict[str, list[int]] = {}
    kept: list[dict] = []
    dropped = 0
    for page in pages:
        s = shingles(page["text"])
        shared: dict[int, int] = {}
        for h in s:
            for j in index.get(h, ()):
                shared[j] = shared.get(j, 0) + 1
        if any(c / min(len(s), kept[j]["_n"]) > limit for j, c in shared.items()):
            dropped += 1
            continue
        page = dict(page, _n=len(s))
        for h in s:
            index.setdefault(h, []).append(len(kept))
        kept.append(page)
    return kept, dropped


# --------------------------------------------------------------------------- variants


def paragraphs_of(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def near_edit(paras: list[str], rng: random.Random) -> list[str]:
    out = []
    for p in paras:
        p = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", p).replace("'", "\u2019")
        p = p.replace(" -- ", " \u2014 ").replace(" - ", " \u2013 ")
        p = re.sub(r"[A-Za-z]+", lambda m: typo(m.group(0), rng) if rng.random() < 0.02 else m.group(0), p)
        out.append(p)
    if len(out) > 3:
        del out[rng.randrange(1, len(out))]
    name = rng.choice(["Staff reporter", "Anna Berg", "Tom Hale", "Wire services"])
    return [f"By {name}"] + out


def excerpt(paras: list[str]) -> list[str]:
    total = sum(len(p.split()) for p in paras)
    out, words = [], 0
    for p in paras:
        out.append(p)
        words += len(p.split())
        if words >= max(60, 0.35 * total):
            break
    return out + ["Read the full story at the original publisher."]


def abridge(paras: list[str], rng: random.Random) -> list[str]:
    if len(paras) < 3:
        return paras[:1]
    keep = sorted(rng.sample(range(len(paras)), max(2, len(paras) // 2)))
    return [paras[i] for i in keep]


def _swap_word(match: re.Match) -> str:
    word = match.group(0)
    new = SYNONYMS.get(word.lower())
    if new is None:
        return word
    if word.isupper() and len(word) > 1:
        return new.upper()
    return new[0].upper() + new[1:] if word[0].isupper() else new


def rewrite(paras: list[str], rng: random.Random) -> list[str]:
    out = []
    for p in paras:
        sents = _SENT.split(p)
        # drop ~15% of sentences (keep at least one)
        kept = [s for s in sents if rng.random() >= 0.15] or sents[:1]
        # split long sentences at a clause boundary
        split: list[str] = []
        for s in kept:
            m = re.search(r",\s+and\s+|;\s+|,\s+but\s+", s)
            if m and len(s.split()) > 18 and m.start() > 20:
                first, second = s[: m.start()].rstrip(), s[m.end():]
                split += [first + ".", second[:1].upper() + second[1:]]
            else:
                split.append(s)
        # merge ~25% of neighbouring sentences
        merged: list[str] = []
        for s in split:
            if merged and rng.random() < 0.25 and merged[-1].endswith(".") and s[:1].isalpha():
                merged[-1] = merged[-1][:-1] + ", and " + s[0].lower() + s[1:]
            else:
                merged.append(s)
        rng.shuffle(merged)
        out.append(_WORD.sub(_swap_word, " ".join(merged)))
    # news paragraphs are often one sentence: also swap ~30% of neighbouring paragraphs
    for i in range(0, len(out) - 1, 2):
        if rng.random() < 0.3:
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


# --------------------------------------------------------------------------- writing


def page_html(site: str, slug: str, title: str, date: str, paras: list[str]) -> str:
    s = SITES[site]
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras)
    open_, close = s["wrap"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} - {s['name']}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{s['name']}">
<meta property="article:published_time" content="{date}T09:00:00+00:00">
<link rel="canonical" href="https://{s['host']}/{date[:4]}/{slug}">
</head><body>
{s['header']}
{open_}
<h1>{html.escape(title)}</h1>
{body}
{close}
{s['after']}
{s['footer']}
</body></html>
"""


def build(out: Path, pages_dir: Path, seed: int = 7, n_sources: int = 60, n_distractors: int = 600) -> dict:
    rng = random.Random(seed)
    base = extract_pages(pages_dir, out / "cache" / "base-texts.json")
    usable = [p for p in base if len(p["text"].split()) >= 80]
    usable, dropped = drop_overlapping(usable)
    sources_pool = [p for p in usable if english(p["text"]) and 200 <= len(p["text"].split()) <= 2500
                    and len(paragraphs_of(p["text"])) >= 4]
    rng.shuffle(sources_pool)
    sources = sources_pool[:n_sources]
    source_files = {p["file"] for p in sources}
    others = [p for p in usable if p["file"] not in source_files]
    rng.shuffle(others)
    distractors = sorted(others[:n_distractors], key=lambda p: p["file"])
    sources.sort(key=lambda p: p["file"])

    corpus = out / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    (corpus / "real").mkdir(parents=True)
    labels: list[tuple[str, str, str]] = []
    feed: list[dict] = []
    overlap: dict[str, list[float]] = {}  # word 5-gram Jaccard of each made variant to its source

    def note(kind: str, source: list[str], made: list[str]) -> list[str]:
        a, b = shingles("\n".join(source)), shingles("\n".join(made))
        overlap.setdefault(kind, []).append(len(a & b) / len(a | b))
        return made

    def put_real(page: dict) -> str:
        shutil.copyfile(pages_dir / page["file"], corpus / "real" / page["file"])
        return f"real/{page['file']}"

    def put_site(site: str, slug: str, title: str, paras: list[str], day: int) -> str:
        path = corpus / "sites" / site / f"{slug}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_html(site, slug, title, f"2024-04-{day:02d}", paras), encoding="utf-8")
        return f"sites/{site}/{slug}.html"

    for i, page in enumerate(sources):
        group = f"src-{i:03d}"
        paras = paragraphs_of(page["text"])
        title = page["title"] or " ".join(page["text"].split()[:8])
        labels.append((put_real(page), group, "original"))
        for kind in sorted(rng.sample(KINDS, VARIANTS_PER_SOURCE)):
            slug = f"{group}-{kind}"
            day = 10 + rng.randrange(15)
            if kind == "exact-html":
                doc = put_site(rng.choice(PUBLISHERS), slug, title, paras, day)
            elif kind == "near-edit":
                doc = put_site(rng.choice(PUBLISHERS), slug, title, note("near-edit", paras, near_edit(paras, rng)), day)
            elif kind == "partial-excerpt":
                doc = put_site(rng.choice(AGGREGATORS), slug, title, note("partial-excerpt", paras, excerpt(paras)), day)
            elif kind == "partial-abridged":
                doc = put_site(rng.choice(AGGREGATORS), slug, title, note("partial-abridged", paras, abridge(paras, rng)), day)
            elif kind == "rewrite-synth":
                doc = put_site(rng.choice(PUBLISHERS), slug, title, note("rewrite-synth", paras, rewrite(paras, rng)), day)
            else:  # chrome-text
                top, bottom = rng.choice(CHROME_TOP), rng.choice(CHROME_BOTTOM)
                feed.append({"id": slug, "url": f"https://metrowire.example/{slug}", "date": f"2024-04-{day:02d}",
                             "text": "\n".join(top + paras + bottom)})
                doc = f"feeds/chrome-text.jsonl#{slug}"
            labels.append((doc, group, kind))

    for j, (key, event) in enumerate(sorted(EVENTS.items())):
        sites = rng.sample(PUBLISHERS, 3)
        labels.append((put_site(sites[0], f"{key}", event["title"], event["original"], 3), f"story-{key}", "original"))
        note("rewrite-hand", event["original"], event["paraphrase"])
        note("same-event", event["original"], event["independent"])
        labels.append((put_site(sites[1], f"{key}-rewritten", event["title"], event["paraphrase"], 4),
                       f"story-{key}", "rewrite-hand"))
        labels.append((put_site(sites[2], f"{key}-other-view", event["title"], event["independent"], 4),
                       f"other-{key}", "same-event"))

    for page in distractors:
        labels.append((put_real(page), f"solo-{page['file'].removesuffix('.html.gz')}", "distractor"))

    if feed:
        (corpus / "feeds").mkdir(exist_ok=True)
        with open(corpus / "feeds" / "chrome-text.jsonl", "w", encoding="utf-8") as fh:
            for rec in feed:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    labels.sort()
    with open(out / "labels.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["doc_id", "group", "variant"])
        w.writerows(labels)
    counts: dict[str, int] = {}
    for _, _, v in labels:
        counts[v] = counts.get(v, 0) + 1
    return {"documents": len(labels), "pages_read": len(base), "pages_usable": len(usable),
            "pages_dropped_as_overlapping": dropped, "english_source_pool": len(sources_pool),
            "sources": len(sources), "events": len(EVENTS), "by_variant": dict(sorted(counts.items())),
            "jaccard_to_source": {k: {"min": round(min(v), 3), "median": round(sorted(v)[len(v) // 2], 3),
                                      "max": round(max(v), 3)} for k, v in sorted(overlap.items())}}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "labelled")
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sources", type=int, default=60)
    ap.add_argument("--distractors", type=int, default=600)
    args = ap.parse_args(argv)
    if not args.pages.is_dir():
        raise SystemExit(f"error: pages folder not found: {args.pages} (the extraction-dev data set; pass --pages)")
    print(json.dumps(build(args.out, args.pages, args.seed, args.sources, args.distractors), indent=2))


if __name__ == "__main__":
    main()
