"""Name variants: proper names that a rewrite spelled differently in aligned sentences.

Hvistendahl ~ Hvittendal ~ Khvitendal, Woerner ~ Werner, Yulong ~ Yulonga. For every pair
of aligned sentences, each capitalised name of one that does not occur in the other is
compared with the other's names; the closest one is a variant when their similarity is at
least `name_min_similarity`.

Similarity is rapidfuzz's normalised Indel ratio, taken as the larger of the ratio on the
case-folded names and the ratio on a transliteration key (hand-written below because no
library folds Latin transliterations of one name into each other: kh->h, w->v, oe->e,
ph->f, doubled letters once, h after a consonant or before one dropped, accents stripped). Inflections
(China/Chinese, Europe/European) are not variants.

Only names count: a capitalised word opening a sentence may be any word, and a word either
document also writes in lower case is a common word, so neither is compared (on real pages the
feature fired on a near copy's typos, "Cosed" for "Closed"). Pass `common_words` (lower_words of
both documents) to apply the second rule.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz.distance import Indel

from ..clean.normalize import fold_typography

__all__ = ["lower_words", "proper_names", "name_key", "name_similarity", "name_variants"]

_TOKEN = re.compile(r"[^\W\d_][\w'\-]*")
# Capitalised words that open sentences without being names.
_STARTERS = frozenset(
    """a an the this that these those it its they their them he his she her we our you your i
    in on at by for from with without of to as and but or nor so yet if when while after before
    since until during last next more most mostly many some all any each every no not there here
    what which who whom whose where why how however meanwhile also according one two three
    mr mrs ms dr""".split()
)
_INFLECTIONS = ("s", "es", "'s", "n", "an", "ans", "ian", "ians", "ese", "ish", "ern", "ic", "ics", "ism", "ist")


def proper_names(sentence: str) -> list[str]:
    """Capitalised tokens (hyphen parts separately), skipping a common word opening the sentence."""
    return list(_proper_names(sentence))


def _variant_names(sentence: str) -> tuple[str, ...]:
    """The names name_variants compares: proper names, without the sentence's first word."""
    return _proper_names(sentence, skip_first=True)


def lower_words(sentences) -> frozenset[str]:
    """Case-folded words a text writes in lower case (its common words)."""
    return frozenset(t.casefold() for s in sentences for t in _TOKEN.findall(s) if t[:1].islower())


# Cached: a document's sentences meet many candidate partners, and the static screen and the
# judge both look for name variants (profiled: 85,000 calls for 1,000 pairs on bench_rewrite).
@functools.lru_cache(maxsize=1 << 16)
def _proper_names(sentence: str, skip_first: bool = False) -> tuple[str, ...]:
    sentence = fold_typography(sentence)
    out: list[str] = []
    for k, match in enumerate(_TOKEN.finditer(sentence)):
        token = match.group(0)
        if token.endswith("'s"):
            token = token[:-2]
        for part in token.strip("'-").split("-"):
            if len(part) < 3 or not part[0].isupper():
                continue
            if k == 0 and (skip_first or part.casefold() in _STARTERS):
                continue
            if part.isupper() and len(part) <= 5:
                continue  # acronyms (ESA, CNSA): spelled out differently, not misspelled
            out.append(part)
    return tuple(out)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_KEY_RULES = [
    (re.compile(r"^kh"), "h"), (re.compile(r"oe|ö"), "e"), (re.compile(r"ue|ü"), "u"), (re.compile(r"ae|ä"), "a"),
    (re.compile(r"ph"), "f"), (re.compile(r"ck"), "k"), (re.compile(r"w"), "v"), (re.compile(r"y"), "i"),
    (re.compile(r"([^aeiouh])h"), r"\1"), (re.compile(r"([aeiou])h(?![aeiou])"), r"\1"),
    (re.compile(r"(.)\1+"), r"\1"),
]


@functools.lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Transliteration-tolerant key: Hvistendahl -> hvistendal, Khvitendal -> hvitendal."""
    key = name.casefold()
    for pattern, repl in _KEY_RULES[1:2] + _KEY_RULES[2:4]:  # umlauts before accent stripping
        key = pattern.sub(repl, key)
    key = _strip_accents(key)
    for pattern, repl in _KEY_RULES:
        key = pattern.sub(repl, key)
    return key


def _inflection(x: str, y: str) -> bool:
    short, long = sorted((x, y), key=len)
    return long.startswith(short) and long[len(short):] in _INFLECTIONS


def name_similarity(x: str, y: str) -> float:
    fx, fy = x.casefold(), y.casefold()
    return max(Indel.normalized_similarity(fx, fy), Indel.normalized_similarity(name_key(x), name_key(y)))


def name_variants(sentence_pairs: list[tuple[str, str]], min_similarity: float,
                  common_words: frozenset[str] = frozenset()) -> list[dict]:
    """[{"a": name in doc a, "b": its variant in doc b, "similarity": float}], sorted, unique.
    `common_words`: case-folded words never taken for names (lower_words of both texts)."""
    found: dict[tuple[str, str], float] = {}
    for sa, sb in sentence_pairs:
        names_a = [n for n in _variant_names(sa) if n.casefold() not in common_words]
        names_b = [n for n in _variant_names(sb) if n.casefold() not in common_words]
        folded_a = {n.casefold() for n in proper_names(sa)}  # a name opening the other sentence is there
        folded_b = {n.casefold() for n in proper_names(sb)}
        only_a = [n for n in dict.fromkeys(names_a) if n.casefold() not in folded_b]
        only_b = [n for n in dict.fromkeys(names_b) if n.casefold() not in folded_a]
        for x in only_a:
            best, best_sim = None, 0.0
            for y in only_b:
                if _inflection(x.casefold(), y.casefold()):
                    continue
                s = name_similarity(x, y)
                if s > best_sim or (s == best_sim and best is not None and y < best):
                    best, best_sim = y, s
            if best is not None and best_sim >= min_similarity:
                key = (x, best)
                found[key] = max(found.get(key, 0.0), best_sim)
    return [{"a": a, "b": b, "similarity": round(s, 4)} for (a, b), s in sorted(found.items())]
