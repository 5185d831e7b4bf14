"""Text normalisation shared by exact matching and shingling."""

from __future__ import annotations

import unicodedata

__all__ = ["TYPOGRAPHY_FOLD", "count_words", "fold_typography", "normalize_for_match", "match_tokens_text", "tidy_text"]

# Typographic variants that copies change freely: curly quotes, primes, dashes, NBSP.
TYPOGRAPHY_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u2009": " ", "\u200b": "", "\ufeff": "", "\u00ad": "",
    }
)


# The table as (character, replacement) pairs: no replacement holds a character of the table,
# so replacing one character after the other is what str.translate does.
_FOLD_PAIRS = [(chr(c), to) for c, to in TYPOGRAPHY_FOLD.items()]


def fold_typography(text: str) -> str:
    """NFKC and one quote and dash style (the case is kept)."""
    text = unicodedata.normalize("NFKC", text)
    for c, to in _FOLD_PAIRS:  # ~20x faster than str.translate on non-ASCII text
        if c in text:
            text = text.replace(c, to)
    return text


def normalize_for_match(text: str) -> str:
    """NFKC, one quote and dash style, case-folded, single spaces: what `exact` compares."""
    text = fold_typography(text).casefold()
    return " ".join(text.split())  # 5x faster than re.sub(r"\s+", ...) on article-sized text


# Punctuation becomes space before tokenising (str.translate + split is ~5x faster than
# re.findall(r"\w+") on article-sized text). Non-ASCII punctuation common in news included.
_PUNCT_TO_SPACE = str.maketrans(
    {c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»‹›…¿¡·•§¶†‡°№、。「」『』（）【】《》！？，：；"}
)


def match_tokens_text(normalized: str) -> str:
    """The words of a normalised text joined by single spaces: what shingles are made of."""
    return " ".join(normalized.translate(_PUNCT_TO_SPACE).split())


def tidy_text(text: str) -> str:
    """Plain-text layout clean-up: unify line ends, trim lines, at most one blank line.

    Most texts are tidy already (records from a curated corpus, extractor output): they are
    returned as they are, after one check of their lines, instead of being rebuilt (a join
    copies the whole text)."""
    if "\r" in text:  # `in` first: two replace calls on a text without "\r" cost ~10x more
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    if stripped == lines and lines[0] and lines[-1] and _no_blank_runs(lines):
        return text
    out: list[str] = []
    for line in stripped:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _no_blank_runs(lines: list[str]) -> bool:
    """No two blank lines in a row (the lines are stripped already)."""
    previous = True
    for line in lines:
        if not line and not previous:
            return False
        previous = bool(line)
    return True


#: Characters that show nothing: Unicode's Default_Ignorable_Code_Point (zero-width spaces and
#: joiners, bidi controls, soft hyphen, variation selectors, tags, the Hangul fillers), plus
#: U+2800 BRAILLE PATTERN BLANK, which renders as a space and is used as one to pass filters.
#: The ranges are written out: the standard library's unicodedata has no such property.
INVISIBLE = str.maketrans(dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFEFF, 0xFFA0, 0x2800]
    + list(range(0x180B, 0x1810)) + list(range(0x200B, 0x2010)) + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070)) + list(range(0xFE00, 0xFE10)) + list(range(0xFFF0, 0xFFF9))
    + list(range(0x1BCA0, 0x1BCA4)) + list(range(0x1D173, 0x1D17B)) + list(range(0xE0000, 0xE1000))
))


def count_words(text: str) -> int:
    """Whitespace-separated words, not counting tokens made only of invisible characters (a
    text of zero-width spaces alone has no word)."""
    if text.isascii():
        return len(text.split())
    return len(text.translate(INVISIBLE).split())
