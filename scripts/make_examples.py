"""Regenerate examples/crawl/ from scripts/articles.py (run once; the output is committed).

Three made-up sites with their own templates: an original publisher, a syndicator that
copies and edits, and an aggregator that posts excerpts; plus a JSONL feed.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from articles import ARTICLES, GLOSSY, GLOSSY_FOOTER, GLOSSY_HEADER, GLOSSY_MIDDLE

ROOT = Path(__file__).resolve().parent.parent / "examples" / "crawl"

SITES = {
    "harbourcourier": {
        "name": "The Harbour Courier",
        "host": "www.harbourcourier.example",
        "header": '<header class="masthead"><a href="/">The Harbour Courier</a><nav><a href="/news">News</a> <a href="/sport">Sport</a> <a href="/culture">Culture</a> <a href="/login">Log in</a></nav></header>',
        "after": '<aside class="newsletter"><h3>Get the Courier in your inbox</h3><p>Subscribe to our free morning newsletter.</p><form><input type="email"><button>Subscribe</button></form></aside>'
                 '<section class="comments"><h3>Leave a comment</h3><p>You must be logged in to post a comment.</p></section>',
        "footer": '<footer><p>&copy; 2024 The Harbour Courier. All rights reserved.</p><a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a><p>We use cookies to improve your experience.</p></footer>',
    },
    "dailyledger": {
        "name": "Daily Ledger",
        "host": "dailyledger.example",
        "header": '<div id="top"><div class="logo">Daily Ledger</div><ul class="menu"><li><a href="/">Home</a></li><li><a href="/region">Region</a></li><li><a href="/account">My account</a></li></ul></div>',
        "after": '<div class="share">Share this: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>'
                 '<div class="related"><h4>Related articles</h4><ul><li><a href="/a">Council budget vote delayed</a></li><li><a href="/b">New cycle lanes for the old town</a></li></ul></div>',
        "footer": '<div id="footer">Daily Ledger &middot; Regional news since 1954 &middot; <a href="/imprint">Imprint</a></div>',
    },
    "newsbits": {
        "name": "NewsBits",
        "host": "newsbits.example",
        "header": '<div class="bar">NewsBits &mdash; the region in short</div>',
        "after": '<p class="more"><a href="#">Sign up for NewsBits daily</a></p>',
        "footer": '<div class="foot">NewsBits is an aggregator. Copyright belongs to the original publishers.</div>',
    },
}


def page(site: str, slug: str, title: str, date: str, paragraphs: list[str], byline: str | None = None) -> str:
    s = SITES[site]
    url = f"https://{s['host']}/{date[:4]}/{slug}"
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    by = f'<p class="byline">{html.escape(byline)}</p>' if byline else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {s['name']}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{s['name']}">
<meta property="article:published_time" content="{date}T08:00:00+00:00">
<link rel="canonical" href="{url}">
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
</head><body>
{s['header']}
<main><article>
<h1>{html.escape(title)}</h1>
{by}
{body}
</article>
{s['after']}
</main>
{s['footer']}
</body></html>
"""


def write(path: str, content: str) -> None:
    target = ROOT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")


def main() -> None:
    a = ARTICLES
    # the original publisher
    for key in ("ferry", "library", "bridge", "chess"):
        art = a[key]
        write(f"harbourcourier/{key}.html", page("harbourcourier", key, art["title"], art["date"], art["paragraphs"]))
    # syndicator: an exact copy one day later, in its own template
    ferry = a["ferry"]
    write("dailyledger/kestrel-bay-electric-ferry.html",
          page("dailyledger", "kestrel-bay-electric-ferry", ferry["title"], "2024-03-05", ferry["paragraphs"]))
    # syndicator: an edited copy (byline, typos, quote style, wording, last paragraph dropped)
    lib = [re.sub(r'"', "\u201d", p) for p in a["library"]["paragraphs"][:-1]]
    lib[0] = lib[0].replace("more than sixty residents", "over sixty residents").replace("Sundays", "Sundays")
    lib[1] = lib[1].replace("sharply", "sharpy").replace("secondary schools", "secondary-schools")
    lib[3] = lib[3].replace("about 40,000 euros", "roughly 40,000 euros")
    write("dailyledger/millbrook-library-sundays.html",
          page("dailyledger", "millbrook-library-sundays", "Millbrook library will open on Sundays", "2024-03-07", lib,
               byline="By Ledger staff, with reporting from The Harbour Courier"))
    # syndicator: its own article about the bridge closure (independent, same event)
    other = a["bridge_other"]
    write("dailyledger/lune-crossing-commuters.html",
          page("dailyledger", "lune-crossing-commuters", other["title"], other["date"], other["paragraphs"]))
    orchard = a["orchard"]
    write("dailyledger/aster-valley-frost.html",
          page("dailyledger", "aster-valley-frost", orchard["title"], orchard["date"], orchard["paragraphs"]))
    # aggregator: excerpts
    bridge = a["bridge"]
    write("newsbits/tanner-street-bridge.html",
          page("newsbits", "tanner-street-bridge", bridge["title"], "2024-03-08", bridge["paragraphs"][:3]))
    chess = a["chess"]
    write("newsbits/young-chess-champion.html",
          page("newsbits", "young-chess-champion", "Schoolgirl, 12, takes Kestrel Bay chess title", "2024-03-12",
               chess["paragraphs"][:2] + chess["paragraphs"][3:4]))
    # a plain-text feed: an exact text copy of the chess story and a unique item
    records = [
        {"id": "nb-1001", "url": "https://newsbits.example/feed/1001", "date": "2024-03-12",
         "title": chess["title"], "text": "\n\n".join(chess["paragraphs"])},
        {"id": "nb-1002", "url": "https://newsbits.example/feed/1002", "date": "2024-03-12",
         "title": "Regional weather: a mild week ahead",
         "text": "Forecasters expect a mild and mostly dry week across the region, with daytime temperatures "
                 "between twelve and sixteen degrees and light winds from the south-west. Showers are likely "
                 "on Thursday evening along the coast. The frost warning for the Aster valley has been lifted."},
    ]
    write("newsbits/feed.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    # a fourth site's plain-text feed: every record carries the site's header, a mid-text
    # "Advertisement" and a footer (site boilerplate), and one record republishes the Daily
    # Ledger's orchard story inside that chrome (an exact copy once the chrome is gone)
    glossy = [(rid, date, title, paragraphs) for rid, date, title, paragraphs in GLOSSY]
    glossy.append(("gp-2005", "2024-04-14", orchard["title"], orchard["paragraphs"]))
    feed = []
    for rid, date, title, paragraphs in glossy:
        body = paragraphs[:1] + [GLOSSY_MIDDLE] + paragraphs[1:]
        feed.append({"id": rid, "url": f"https://londonglossypost.example/{date[:4]}/{rid}", "date": date, "title": title,
                     "text": "\n\n".join([GLOSSY_HEADER] + body + GLOSSY_FOOTER)})
    write("londonglossypost/feed.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in feed))


if __name__ == "__main__":
    main()
