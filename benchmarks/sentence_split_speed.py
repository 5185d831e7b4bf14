"""Sentence splitting for alignment: agreement of the regex splitter with pysbd, and speed.

On the clean texts of English extraction-dev pages (cleaned once by samestory, cached by
rewrite_corpus.py, 150+ words). Agreement: share of pysbd's sentences that the regex splitter returns
identically (and the reverse), and share of documents split identically.

    PYTHONPATH=$PWD python benchmarks/sentence_split_speed.py
"""

from __future__ import annotations

import json
import sys
import time
from functools import lru_cache
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.rewrite_corpus import english_texts  # noqa: E402
from samestory.rewrite.sentences import split_for_alignment  # noqa: E402


def split_pysbd(text: str) -> list[str]:
    """The splitter the tier used before (pysbd per line, lines under 40 characters whole)."""
    import pysbd

    seg = _segmenter(pysbd)
    out: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) < 40 or not any(c in paragraph for c in ".!?"):
            out.append(paragraph)
            continue
        out.extend(s.strip() for s in seg.segment(paragraph) if s.strip())
    return out


@lru_cache(maxsize=1)
def _segmenter(pysbd):
    return pysbd.Segmenter(language="en", clean=False)


def timed(split, texts, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for text in texts:
            split(text)
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    texts = [text for _, text in english_texts()]
    same_docs, ref_total, ref_found, own_total, own_found = 0, 0, 0, 0, 0
    disagreements: list[tuple[list[str], list[str]]] = []
    for text in texts:
        ref, own = split_pysbd(text), split_for_alignment(text)
        same_docs += ref == own
        ref_c, own_c = Counter(ref), Counter(own)
        ref_total += len(ref)
        own_total += len(own)
        ref_found += sum((ref_c & own_c).values())
        own_found += sum((ref_c & own_c).values())
        if ref != own and len(disagreements) < 8:
            only_ref = [s for s in ref if s not in own_c][:2]
            only_own = [s for s in own if s not in ref_c][:2]
            disagreements.append((only_ref, only_own))
    t_ref, t_own = timed(split_pysbd, texts), timed(split_for_alignment, texts)
    print(json.dumps({
        "documents": len(texts), "characters": sum(map(len, texts)),
        "pysbd_sentences": ref_total, "regex_sentences": own_total,
        "pysbd_sentences_reproduced": round(ref_found / ref_total, 4),
        "regex_sentences_also_in_pysbd": round(own_found / own_total, 4),
        "documents_split_identically": round(same_docs / len(texts), 4),
        "pysbd_cpu_ms_per_doc": round(1000 * t_ref / len(texts), 3),
        "regex_cpu_ms_per_doc": round(1000 * t_own / len(texts), 3),
        "speedup": round(t_ref / t_own, 1),
        "examples_of_disagreement": disagreements,
    }, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
