"""Corpus-wide boilerplate: short interface lines that recur on many different articles
anywhere in the corpus, site or no site.

Site learning (site_lines.py) needs a site of at least 4 pages. Plain-text copies, feed
records without URLs and pages of sites seen once have none, yet they carry the same
interface lines as everyone else ("Leave a Reply", "Say your words", "Posted in Tech"),
in languages and wordings no vocabulary lists. This is the paragraph-level dedup of CCNet
and C4-style pipelines, limited to short lines at the edges of texts and explained in
boilerplate.parquet (`scope` = "corpus", `site` = "(corpus)").

A line is corpus boilerplate when (all of):
- it has at most `corpus_max_words` words (normalised as for site lines: case, digits and
  punctuation folded);
- it sits outside the article in at least `corpus_edge_share` of the documents holding it:
  before the document's first prose line or after its last (clean/chrome.py's
  `article_span`, read on the sample below). Interface lines sit around the article; a
  heading that many articles share ("Fazit", "Ingredients", "Zutaten") sits between their
  paragraphs and is never learned;
- it occurs in at least T = max(`corpus_min_docs`, ceil(`corpus_min_share` * N)) *different
  articles* of the corpus's N clean documents: documents with one exact text count once, and
  the rest go through the different-articles check of site_lines.py (two documents sharing at
  least `same_article_containment` of the shorter one's words, in lines other than the one
  tested, are one article), on a fixed-size deterministic sample (`sample_pages`). Copies of
  one story therefore count once however often the corpus holds them.

The steps, shaped for a group-by-key plan:
1. `line_entries(lines, exact_hash, ok, settings)` (per batch): one entry per (document, short
   line) — line hash (the key), row, line number, words, the document's exact hash.
   The entries are partitioned by line hash (plan/shuffle.py's `key_parts`).
2. `learn_corpus_lines(entries, n_docs, row_lines, row_text, settings)` (per key partition):
   a pure reduce over one partition's entries. `row_lines(row)` gives a sampled document's
   line hashes and word counts, `row_text(row)` its clean text (random access to the per-row
   line-hash lists and texts, read for at most `sample_pages` rows per candidate line).
   Partitions' results concatenate (`concat_corpus_lines`) to what one reduce over all
   entries gives (tested).
3. every entry whose line hash was learned is a line its document loses; `strip_learned_batch`
   (per batch) removes them with the chrome blocks they stand in.

In the plan: the read step writes the entries as its `corpus_lines` map output, the lines step
(steps/corpus_lines.py) is the reduce, and the docs step strips (steps/boilerplate.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..clean.chrome import article_span, chrome_line_numbers
from ..clean.normalize import tidy_text
from ..config import BoilerplateSettings
from .site_lines import LineHashes, _distinct_articles, _sample

__all__ = [
    "CORPUS_SITE", "CorpusLines", "LineEntries", "RowLineHashes", "concat_corpus_lines", "corpus_threshold",
    "learn_corpus_lines", "line_entries", "strip_learned_batch", "strip_learned_lines",
]

CORPUS_SITE = "(corpus)"  # the `site` of corpus-wide rows in boilerplate.parquet (no host has parentheses)


@dataclass
class LineEntries:
    """Entries of the group-by-line step, one per (document, short line), in any order."""

    hashes: np.ndarray  # (m,) uint64: normalised line hash, the key
    rows: np.ndarray    # (m,) int64: document row in the corpus
    pos: np.ndarray     # (m,) int32: line number in the document's text
    words: np.ndarray   # (m,) int32
    exact: np.ndarray   # (m,) uint64: the document's exact-text hash

    def __len__(self) -> int:
        return len(self.hashes)

    def take(self, index: np.ndarray) -> "LineEntries":
        return LineEntries(self.hashes[index], self.rows[index], self.pos[index], self.words[index], self.exact[index])

    @staticmethod
    def concat(parts: list["LineEntries"]) -> "LineEntries":
        if not parts:
            return _empty_entries()
        return LineEntries(*(np.concatenate([getattr(p, f) for p in parts])
                             for f in ("hashes", "rows", "pos", "words", "exact")))


def _empty_entries() -> LineEntries:
    return LineEntries(np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32),
                       np.zeros(0, np.uint64))


@dataclass
class CorpusLines:
    """What was learned, one entry per line hash, sorted by hash."""

    hashes: np.ndarray      # (k,) uint64
    words: np.ndarray       # (k,) int32
    docs: np.ndarray        # (k,) int64: documents holding the line (copies included)
    distinct: np.ndarray    # (k,) int64: different articles (estimated past the sample)
    shown_row: np.ndarray   # (k,) int64: the first document holding it, and where: how the table shows it
    shown_pos: np.ndarray   # (k,) int32

    def __len__(self) -> int:
        return len(self.hashes)


def _empty_lines() -> CorpusLines:
    z = np.zeros(0, np.int64)
    return CorpusLines(np.zeros(0, np.uint64), np.zeros(0, np.int32), z, z.copy(), z.copy(), np.zeros(0, np.int32))


def corpus_threshold(n_docs: int, settings: BoilerplateSettings) -> int:
    """Different articles a corpus line needs in a corpus of `n_docs` clean documents."""
    return max(settings.corpus_min_docs, math.ceil(settings.corpus_min_share * n_docs))


def line_entries(lines: LineHashes, exact_hash: np.ndarray, ok: np.ndarray, settings: BoilerplateSettings,
                 first_row: int = 0, skip: list[np.ndarray | None] | None = None) -> LineEntries:
    """The entries of a batch's documents (rows `first_row`...): every line with letters of at
    most `corpus_max_words` words of a clean document. `skip`: per document, line numbers
    already removed as site boilerplate (not counted again here)."""
    counts = np.diff(lines.offsets)
    row = np.repeat(np.arange(len(lines), dtype=np.int64), counts)
    keep = (lines.hashes != 0) & (lines.words <= settings.corpus_max_words) & np.asarray(ok, bool)[row]
    if skip is not None:
        for r, drop in enumerate(skip):
            if drop is not None and len(drop):
                keep[lines.offsets[r] + drop] = False
    idx = np.flatnonzero(keep)
    r = row[idx]
    pos = (idx - lines.offsets[r]).astype(np.int32)
    return LineEntries(lines.hashes[idx], r + first_row, pos, lines.words[idx].astype(np.int32),
                       np.asarray(exact_hash, dtype=np.uint64)[r])


class RowLineHashes:
    """`row_lines` over a LineHashes held in memory: a row's line hashes and word counts."""

    def __init__(self, lines: LineHashes, first_row: int = 0) -> None:
        self.lines, self.first_row = lines, first_row

    def __call__(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        r = row - self.first_row
        a, b = self.lines.offsets[r], self.lines.offsets[r + 1]
        return self.lines.hashes[a:b], self.lines.words[a:b]


class _LinesOf:
    """site_lines._distinct_articles reads a page as (distinct line hash -> words, total words)."""

    def __init__(self, row_lines: Callable[[int], tuple[np.ndarray, np.ndarray]]) -> None:
        self.row_lines = row_lines
        self.memo: dict[int, tuple[dict[int, int], int]] = {}

    def get(self, row: int) -> tuple[dict[int, int], int]:
        got = self.memo.get(row)
        if got is None:
            hashes, words = self.row_lines(row)
            found: dict[int, int] = {}
            for h, w in zip(hashes.tolist(), words.tolist()):
                if h:
                    found[h] = w
            got = self.memo[row] = (found, sum(found.values()))
        return got


class _Spans:
    """Each sampled document's article span (clean/chrome.py's article_span), read once."""

    def __init__(self, row_text: Callable[[int], str | None], max_words: int) -> None:
        self.row_text, self.max_words = row_text, max_words
        self.memo: dict[int, tuple[int, int] | None] = {}

    def in_edge(self, row: int, pos: int) -> bool:
        if row not in self.memo:
            self.memo[row] = article_span((self.row_text(row) or "").split("\n"), self.max_words)
        span = self.memo[row]
        return span is None or pos < span[0] or pos > span[1]


def learn_corpus_lines(entries: LineEntries, n_docs: int, row_lines: Callable[[int], tuple[np.ndarray, np.ndarray]],
                       row_text: Callable[[int], str | None], settings: BoilerplateSettings) -> CorpusLines:
    """The reduce over one key partition (module docstring): which of its lines are corpus
    boilerplate. `n_docs`: clean documents in the whole corpus (the threshold's base);
    `row_lines(row)` and `row_text(row)`: a sampled document's line hashes and word counts,
    and its clean text (for where its article lies)."""
    need = corpus_threshold(n_docs, settings)
    if len(entries) < need or not settings.corpus_lines:
        return _empty_lines()
    # one entry per (line, document): its first occurrence
    order = np.lexsort((entries.pos, entries.rows, entries.hashes))
    e = entries.take(order)
    new_doc = np.ones(len(e), dtype=bool)
    new_doc[1:] = (e.hashes[1:] != e.hashes[:-1]) | (e.rows[1:] != e.rows[:-1])
    d = e.take(np.flatnonzero(new_doc))
    key_start = np.flatnonzero(np.concatenate(([True], d.hashes[1:] != d.hashes[:-1])))
    key_end = np.append(key_start[1:], len(d))
    docs = key_end - key_start
    candidate = docs >= need
    if not candidate.any():
        return _empty_lines()
    lines_of = _LinesOf(row_lines)
    spans = _Spans(row_text, settings.corpus_max_words)
    cache: dict = {}
    chosen: list[int] = []
    distinct: list[int] = []
    for c in np.flatnonzero(candidate).tolist():
        a, b = key_start[c], key_end[c]
        rows, exact, pos = d.rows[a:b], d.exact[a:b], d.pos[a:b]
        # one row per exact text (the smallest): copies of one story count once
        by_text = np.lexsort((rows, exact))
        firsts = np.sort(by_text[np.concatenate(([True], exact[by_text][1:] != exact[by_text][:-1]))])
        if len(firsts) < need:
            continue
        # where the line sits, on the same fixed sample as the different-articles check
        sample = _sample(rows[firsts], settings.sample_pages)
        at = np.searchsorted(rows, sample)  # rows are sorted within a key
        edge = sum(spans.in_edge(int(r), int(p)) for r, p in zip(sample.tolist(), pos[at].tolist()))
        if edge < settings.corpus_edge_share * len(sample):
            continue
        estimate = _distinct_articles(rows[firsts], int(d.hashes[a]), need, lines_of, cache, settings)
        if estimate >= need:
            chosen.append(c)
            distinct.append(estimate)
    if not chosen:
        return _empty_lines()
    at = key_start[chosen]
    return CorpusLines(
        hashes=d.hashes[at].copy(), words=d.words[at].astype(np.int32), docs=docs[chosen].astype(np.int64),
        distinct=np.asarray(distinct, dtype=np.int64), shown_row=d.rows[at].astype(np.int64),
        shown_pos=d.pos[at].astype(np.int32),
    )


def concat_corpus_lines(parts: list[CorpusLines]) -> CorpusLines:
    """The partitions' results as one, sorted by hash (a line hash lives in one partition)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_lines()
    joined = CorpusLines(*(np.concatenate([getattr(p, f) for p in parts])
                           for f in ("hashes", "words", "docs", "distinct", "shown_row", "shown_pos")))
    order = np.argsort(joined.hashes, kind="stable")
    return CorpusLines(*(getattr(joined, f)[order] for f in ("hashes", "words", "docs", "distinct", "shown_row", "shown_pos")))


def strip_learned_lines(text: str | None, drop: np.ndarray | None, max_words: int | None) -> tuple[str | None, int]:
    """The text without its learned lines (site or corpus boilerplate) and without the chrome
    blocks they stand in: the learned lines count as chrome lines in the edge-block scan of
    clean/chrome.py, so "Posted in Tech" learned from the corpus takes "Tagged Science, World"
    beside it (`max_words`: clean.chrome_max_words; None: the learned lines only, as when the
    chrome filter is off). Returns the text (re-tidied) and how many lines went."""
    if text is None or drop is None or len(drop) == 0:
        return text, 0
    lines = text.split("\n")
    learned = set(drop.tolist())
    gone = learned if max_words is None else learned.union(chrome_line_numbers(lines, max_words, learned))
    kept = [line for i, line in enumerate(lines) if i not in gone]
    return tidy_text("\n".join(kept)), sum(1 for i in gone if lines[i].strip())


def strip_learned_batch(texts: list[str | None], drops: list[np.ndarray | None],
                        max_words: int | None) -> tuple[list[str | None], list[int]]:
    out_texts: list[str | None] = []
    removed: list[int] = []
    for text, drop in zip(texts, drops):
        t, k = strip_learned_lines(text, drop, max_words)
        out_texts.append(t)
        removed.append(k)
    return out_texts, removed
