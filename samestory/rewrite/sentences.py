"""Sentence splitting for the rewrite alignment (report.html splits for display on its own).

pysbd (rule-based sentence boundary disambiguation) handles abbreviations ("Mr.", "U.S.",
"Jan. 5"), initials and decimals that a regex gets wrong, and it is deterministic. It is
pure Python and slow on very long paragraphs, so the text is first cut at line breaks
(clean texts keep one paragraph per line), which also bounds its work per call.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

__all__ = ["split_for_alignment", "sentence_words"]

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_for_alignment(text: str | None) -> list[str]:
    """Sentences of a clean text, in order, stripped; empty pieces dropped."""
    if not text:
        return []
    out: list[str] = []
    seg = _segmenter()
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) < 40 or not any(c in paragraph for c in ".!?"):
            out.append(paragraph)  # a heading or short line is one sentence; skip the splitter
            continue
        for sentence in seg.segment(paragraph):
            sentence = sentence.strip()
            if sentence:
                out.append(sentence)
    return out


def sentence_words(sentence: str) -> int:
    return len(_WORD.findall(sentence))
