"""The rewrite tier's real-page development set (issue 19): real articles, real machine and
human translations, and the shapes of the real pages the 0.2 tier merged wrongly.

Documents (records with id, url, text; `story` says which article each tells):
- wmt-en (positives): every English version of each WMT21 is-en article (the human reference
  and each system's translation, ../shared/data/wmt21): the versions of one article are
  rewrites of one another (machine paraphrase through Icelandic; the reference a human one).
  Each version sits on its own site (one per system), so the site rule sees no shared lines;
- wmt-en-other (negatives): the English source articles of the en-is set (same weeks, other
  stories);
- non-English (negatives across articles): the German versions of fr-de articles, the French
  of de-fr and the Icelandic of en-is (a sample of articles, every version): the judge reads
  English only, so no pair of them may become a rewrite by embeddings;
- same-site (negatives): English extraction-dev pages put two by two on small sites (2 pages,
  under the boilerplate learner's 4-page floor) and four by four on larger ones, each site's
  pages given one block (an info box of names, dates and a venue, a subscription footer);
- press-release (negatives): pairs of different WMT articles' prose into which one press
  release's quotes (real quotes of a third article) and a 30-line tour-date list are written;
- list-heavy (negatives): pages of 25 football results among the same teams, with two
  sentences of different articles' prose.
Labels: a pair of documents is a rewrite when they tell the same story; `kind` names the
negative family. Deterministic for a seed. Texts of WMT and extraction-dev are read from
../shared/data; nothing of them is written into the repository.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.wmt21 import read_wmt21  # noqa: E402

__all__ = ["Doc", "build"]


@dataclass(frozen=True)
class Doc:
    id: str
    url: str
    text: str
    story: str
    kind: str      # wmt-en, wmt-en-other, non-english, same-site, press-release, list-heavy
    lang: str


SITE_BLOCKS = [
    """Subscribe to our newsletter and get the best stories of the week in your inbox every Friday.
Follow us on Facebook, Instagram and Twitter for the latest updates from the Harbour Review team.
All reviews are written by our independent editorial team and are never paid for by the venues.
Contact the editor: Harriet Lowe, Harbour Review, 14 Quay Street, Port Ellen, PE3 9QT.
Copyright 2021 Harbour Review Ltd. All rights reserved.""",
    """Performance information
Venue: Kestrel Street Theatre, Main Hall, 22 Kestrel Street, Ashby
Dates: Thursday 14 October, Friday 15 October and Saturday 16 October 2021
Doors open at 19:00, performance starts at 19:30, running time about two hours with one interval
Tickets: 18 pounds, concessions 12 pounds, available from the box office on 01632 960 418
Director: Miriam Osei / Set design: Jonas Brandt / Lighting: Priya Nair
Produced by the Kestrel Street Company with support from the Ashby Arts Council
Accessible seating is available on request; please tell the box office when you book.""",
    """About the author
Samuel Whitfield has written for the Northern Courier since 2009 and covers science, health and the environment.
His book on the history of the Ashby canal was shortlisted for the Pelham Prize in 2019.
Read more of his articles on our website and sign up for his monthly science letter.""",
]

TEAMS = ["Arsenal", "Chelsea", "Everton", "Fulham", "Brentford", "Burnley", "Leeds", "Watford", "Norwich",
         "Southampton", "Brighton", "Wolves", "Newcastle", "Leicester", "Villa", "Palace"]
CITIES = ["Hamburg", "Berlin", "Munich", "Cologne", "Vienna", "Zurich", "Amsterdam", "Brussels", "Paris", "Lyon",
          "Milan", "Prague", "Warsaw", "Copenhagen", "Oslo", "Stockholm", "Dublin", "Glasgow", "Leeds", "Bristol"]
VENUES = ["Arena", "Stadthalle", "Palladium", "Docks", "Forum", "Olympia", "Philharmonie", "Academy"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["March", "April", "May", "June"]


def _tour_list(rng: random.Random) -> list[str]:
    lines = ["Tour dates 2022:"]
    for k in range(30):
        lines.append(f"{DAYS[k % 7]} {1 + (k * 3) % 28} {MONTHS[k // 8]} 2022 - {rng.choice(CITIES)}, "
                     f"{rng.choice(VENUES)}")
    return lines


def _results(rng: random.Random) -> list[str]:
    teams = TEAMS[:]
    rng.shuffle(teams)
    return [f"{teams[k % 16]} {rng.randint(0, 4)}-{rng.randint(0, 4)} {teams[(k + 5) % 16]}" for k in range(25)]


def _prose(version) -> list[str]:
    """The article's sentences of 8+ words, one a line."""
    return [s for s in version.segments if len(s.split()) >= 8]


def build(seed: int = 19, non_english_articles: int = 12, pages_limit: int = 48) -> list[Doc]:
    rng = random.Random(seed)
    versions = read_wmt21()
    docs: list[Doc] = []
    # positives: the English versions of each is-en article, one site per system
    for v in versions:
        if v.test_set == "is-en" and v.version != "src":
            system = v.version.split(":", 1)[1].replace("_", "-").replace(".", "-").casefold() or "ref"
            docs.append(Doc(f"wmt-en/{v.doc}/{v.version}", f"https://{system}.wmt.example/{v.doc}", v.text,
                            f"is-en/{v.doc}", "wmt-en", "en"))
    english_sources = [v for v in versions if v.test_set == "en-is" and v.version == "src"]
    for v in english_sources:
        docs.append(Doc(f"wmt-en-other/{v.doc}", f"https://source.wmt.example/{v.doc}", v.text, f"en-is/{v.doc}",
                        "wmt-en-other", "en"))
    # non-English: every version of a sample of articles, per target language
    for test_set, lang in (("fr-de", "de"), ("de-fr", "fr"), ("en-is", "is")):
        chosen = sorted({v.doc for v in versions if v.test_set == test_set})
        chosen = set(random.Random(seed).sample(chosen, min(non_english_articles, len(chosen))))
        for v in versions:
            if v.test_set == test_set and v.doc in chosen and v.lang == lang:
                system = v.version.replace(":", "-").replace("_", "-").replace(".", "-").casefold()
                docs.append(Doc(f"non-english/{test_set}/{v.doc}/{v.version}", f"https://{system}.{lang}.example/{v.doc}",
                                v.text, f"{test_set}/{v.doc}", "non-english", lang))
    # same-site: English extraction-dev pages sharing a site block
    from benchmarks.rewrite_corpus import english_texts

    pages = english_texts()[:pages_limit]
    per_site = [2] * 12 + [4] * 6
    k = 0
    for s, size in enumerate(per_site):
        block = SITE_BLOCKS[s % len(SITE_BLOCKS)]
        for _ in range(size):
            if k >= len(pages):
                break
            name, text = pages[k]
            k += 1
            docs.append(Doc(f"same-site/site{s}/{name}", f"https://site{s}.pages.example/{name}",
                            text.rstrip() + "\n" + block, f"page/{name}", "same-site", "en"))
    # press releases: two other articles' prose around one release's quotes and tour list
    quotes = [s for v in versions if v.test_set == "is-en" and v.version == "ref:A" for s in v.segments
              if s.startswith(("\"", "\u201c")) and len(s.split()) >= 10]
    others = [v for v in english_sources if len(_prose(v)) >= 14]
    for p in range(10):
        release_quotes = quotes[3 * p : 3 * p + 3]
        tour = _tour_list(rng)
        for side in range(2):
            v = others[(2 * p + side) % len(others)]
            # 14 prose sentences: the shared quotes and list are under half of the words, as on
            # the real pages (which the lexical tiers did not merge)
            prose = _prose(v)[:14]
            text = "\n".join(prose[:5] + release_quotes + prose[5:] + tour)
            docs.append(Doc(f"press-release/{p}/{side}", f"https://outlet{side}.press.example/{p}", text,
                            f"en-is/{v.doc}", "press-release", "en"))  # its prose is that article's
    # list-heavy: results pages among the same teams, two sentences of different prose each
    for p in range(12):
        v = others[(p * 5 + 3) % len(others)]
        text = "\n".join(_prose(v)[:2] + ["Results of the weekend:"] + _results(rng))
        docs.append(Doc(f"list-heavy/{p}", f"https://scores{p % 3}.sport.example/{p}", text, f"list/{p}",
                        "list-heavy", "en"))
    return docs
