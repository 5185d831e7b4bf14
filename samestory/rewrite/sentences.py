"""Sentence splitting for the rewrite alignment, the hot path (report.html splits for display on its own).

pysbd handled abbreviations well but cost ~15 ms of CPU per document (it compiles and runs
dozens of patterns per call). Sentence alignment needs boundaries that are consistent between
two copies more than perfect ones, so this splitter is a single precompiled regex that finds
candidate boundaries (terminal punctuation, optional closing quotes/brackets, whitespace, then
an upper-case letter, digit or opening quote) plus a few look-ups that veto a candidate:
- titles and other abbreviations that never end a sentence (Mr., Dr., Prof., St., Inc. ...);
- month abbreviations before a number (Jan. 5) and "No. 3", "p. 12";
- initials (J. K. Rowling, George W. Bush) and dotted acronyms (U.S., U.N.) unless the next
  word is a common sentence opener ("... in the U.S. The next day");
- decimals (3.5), times, URLs and ellipses followed by lower case never match the regex.
Hand-written because the maintained rule-based splitter (pysbd) is the cost being removed;
benchmarks/sentence_split_speed.py measures agreement with it and the speed of both.
"""

from __future__ import annotations

import functools

import re

__all__ = ["split_for_alignment", "split_with_lines", "sentence_words"]

_WORD = re.compile(r"\w+")

# terminal punctuation, closing quotes/brackets, whitespace; the next character is checked below
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*\s+")
_OPENING = "\"'\u201c\u2018\u00ab([\u201e"
_BULLETS = "-\u2013\u2014\u2022*"  # "... myself? - AVOIDING CONTACT: ..." (inline list items)
_DOTTED_ACRONYM = re.compile(r"(?:[^\W\d_]\.){2,}$")

# never end a sentence (the next word is a name or continues the clause)
_TITLES = frozenset(
    """mr mrs ms dr prof sen rep gov gen lt col capt sgt cpl adm cmdr maj pres rev fr st mt ft
    sr jr hon messrs mmes vs etc eg ie cf approx dept univ assn bros inc ltd co corp plc
    est al fig figs vol vols ed eds op pp ch sec art
    ala ariz ark calif colo conn del fla ill ind kan ky la md mass mich minn miss mo mont neb
    nev okla ore pa penn tenn tex va vt wis wyo""".split()
)
# end no sentence when a number follows (Jan. 5, No. 3, p. 12)
_BEFORE_NUMBER = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec no nos nr p pg tel ca".split()
)
# words that open a sentence; after an acronym or initial they mark a real boundary
_OPENERS = frozenset(
    """the a an this that these those it its he she they we i you his her their our there here
    in on at but and or so if when while after before since as for however meanwhile also
    according one two three some many most all no not what which who why how mr mrs ms dr""".split()
)


def _next_word(paragraph: str, pos: int) -> str:
    stop = paragraph.find(" ", pos)
    return paragraph[pos : stop if stop >= 0 else len(paragraph)].strip(_OPENING).rstrip(".,;:!?").casefold()


def _period_ends_sentence(paragraph: str, end: int, next_start: int, next_char: str) -> bool:
    """Whether the period just before `end` ends a sentence (the next one would start at
    `next_start` with `next_char`)."""
    before = paragraph[paragraph.rfind(" ", 0, end) + 1 : end].lstrip(_OPENING)  # "Mr.", "U.S."
    word = before[:-1].casefold()
    if word in _TITLES:
        return False
    if word in _BEFORE_NUMBER and next_char.isdigit():
        return False
    if (len(word) == 1 and word.isalpha()) or _DOTTED_ACRONYM.search(before):
        # an initial or acronym ends a sentence only when a typical sentence opener follows
        return _next_word(paragraph, next_start) in _OPENERS
    return True


def _split_paragraph(paragraph: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        nxt = match.end()
        if nxt >= len(paragraph):
            break
        first = paragraph[nxt]
        if first in _OPENING and nxt + 1 < len(paragraph):
            first = paragraph[nxt + 1]
        if not (first.isupper() or first.isdigit() or first in _BULLETS):
            continue
        text = match.group(0).rstrip()
        punct = text.rstrip("\"'\u201d\u2019\u00bb)]")
        end = match.start() + len(punct)
        if punct == "." and not _period_ends_sentence(paragraph, end, nxt, first):
            continue
        sentence = paragraph[start:end + (len(text) - len(punct))].strip()
        if sentence:
            out.append(sentence)
        start = nxt
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def split_for_alignment(text: str | None) -> list[str]:
    """Sentences of a clean text, in order, stripped; empty pieces dropped.

    Clean texts keep one paragraph per line, so lines are cut first; a line without terminal
    punctuation (a heading, "Read more") is one sentence."""
    return split_with_lines(text)[0]


def split_with_lines(text: str | None) -> tuple[list[str], list[int]]:
    """(sentences, line of each): split_for_alignment's sentences and, for each, the number of
    the line of `text.split("\n")` it comes from (so a sentence can be traced to its line's
    hash, boilerplate/site_lines.line_hashes_batch)."""
    if not text:
        return [], []
    out: list[str] = []
    lines: list[int] = []
    for number, paragraph in enumerate(text.split("\n")):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if not any(c in paragraph for c in ".!?\u2026"):
            pieces = [paragraph]
        else:
            pieces = _split_paragraph(paragraph)
        out.extend(pieces)
        lines.extend([number] * len(pieces))
    return out, lines


@functools.lru_cache(maxsize=1 << 16)  # a document's sentences are counted once per candidate pair it is in
def sentence_words(sentence: str) -> int:
    return len(_WORD.findall(sentence))
