"""Which sentences of a document are rewrite evidence: its prose, not its shared blocks or lists.

Two different articles were merged as rewrites on real pages because what they shared was not
their prose: a site's subscription footer, a theatre's performance-info block (dates, venue,
cast), a press release's quotes and tour-date list. Such lines align at high cosines and say
nothing about whether the articles tell the same story. So each sentence gets a kind:

- SHORT: fewer than `min_sentence_words` words (headings, datelines; as before);
- SHARED: its line occurs verbatim (boilerplate's line hash: case, digits and punctuation
  folded for short lines) in documents of `shared_line_min_groups` different lexical groups of
  the corpus, or of `shared_line_min_site_groups` groups of its own site (`shared_lines`; the
  site boilerplate learner removes such lines only on sites of 4+ pages, and a block two posts
  of a small blog share is no evidence either). Copies of one article (a lexical group) count
  once, so the paragraphs of an article syndicated five times stay evidence for its rewrite;
- LIST: list-like (`is_list_like`): dates, schedules, scores, addresses, credits, table rows;
- QUOTE: mostly inside quotation marks (`is_quote`). Quotes take part in the alignment (a
  translation or paraphrase rewords them), but a quote found verbatim in the other document is
  a shared passage, not evidence that the prose around it was rewritten;
- PROSE: everything else.
Only PROSE and QUOTE sentences are embedded and aligned; the structural floor (find.py) counts
the shorter document's evidence sentences, verbatim quotes left out. Nothing here is English-
specific: the rules read digits, punctuation, quotation marks and word counts.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["KIND_NAMES", "LIST", "PROSE", "QUOTE", "SHARED", "SHORT", "SharedLines", "evidence_rows", "is_list_like",
           "is_quote", "repeated_lines", "sentence_kinds", "shared_lines"]

PROSE, SHORT, SHARED, LIST, QUOTE = 0, 1, 2, 3, 4
KIND_NAMES = ("prose", "short", "shared", "list", "quote")

_TOKEN_DIGIT = re.compile(r"\d")
_TERMINAL = tuple(".!?\u2026\"'\u201d\u2019\u00bb)")
# a date or time: 12.03.2021, 12/3/21, 2021-03-12, "12.03. ", 12/3, 20:00 (not a decimal: 1.3, 4.56)
_DATE_TIME = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.\d{1,2}\.(?!\d)"
                        r"|\b\d{1,2}/\d{1,2}\b|\b\d{1,2}:\d{2}\b")
_SEPARATORS = ("|", "\u2022", "\u00b7", "\t", " / ", "\u25aa", "\u25cf")
# "Director: Jane Doe", "Photo: ...", "Tickets: ..." -- a label, then a short value
_LABEL = re.compile(r"^[^\W\d_][\w .'-]{0,30}:\s")
_QUOTES_OPEN = "\"\u201c\u201e\u00ab\u2018\u201a\u2039"
_QUOTES_CLOSE = "\"\u201d\u201c\u00bb\u2019\u2018\u203a"


def is_list_like(sentence: str) -> bool:
    """A line of a list or table rather than a sentence of prose: no terminal punctuation and
    at most 15 words (a list item, a credit, an address, a heading), a third or more of its
    tokens with digits (schedules, scores, prices), two or more dates or times, list
    separators (|, bullets, tabs), or a short "Label: value" line."""
    tokens = sentence.split()
    if not tokens:
        return True
    n = len(tokens)
    stripped = sentence.rstrip()
    if n <= 15 and not stripped.endswith(_TERMINAL):
        return True
    digits = sum(1 for t in tokens if _TOKEN_DIGIT.search(t))
    if digits >= 3 and digits * 3 >= n:
        return True
    if len(_DATE_TIME.findall(sentence)) >= 2:
        return True
    if any(sep in sentence for sep in _SEPARATORS):
        return True
    return n <= 12 and _LABEL.match(sentence) is not None


def is_quote(sentence: str) -> bool:
    """Mostly quoted speech: at least 60 % of its characters between quotation marks (a
    sentence that opens with a quote and ends with "she said" is a quote)."""
    inside = 0
    depth = False
    for c in sentence:
        if not depth and c in _QUOTES_OPEN:
            depth = True
            continue
        if depth and c in _QUOTES_CLOSE:
            depth = False
            continue
        if depth:
            inside += 1
    return inside >= 0.6 * max(len(sentence), 1)


def sentence_kinds(sentences: list[str], line_of: list[int], line_hashes: np.ndarray, shared: np.ndarray,
                   min_words: int) -> np.ndarray:
    """The kind of each sentence (int8: PROSE, SHORT, SHARED, LIST, QUOTE). `line_of`: each
    sentence's line number (sentences.split_with_lines); `line_hashes`: the hash of each line
    of the text (boilerplate.line_hashes_batch); `shared`: the document's shared line hashes
    (from `shared_lines`; sorted or not)."""
    from .sentences import sentence_words

    kinds = np.zeros(len(sentences), dtype=np.int8)
    shared_set = set(np.asarray(shared, dtype=np.uint64).tolist()) if len(shared) else set()
    for k, (sentence, line) in enumerate(zip(sentences, line_of)):
        if sentence_words(sentence) < min_words:
            kinds[k] = SHORT
        elif shared_set and line < len(line_hashes) and int(line_hashes[line]) in shared_set:
            kinds[k] = SHARED
        elif is_list_like(sentence):
            kinds[k] = LIST
        elif is_quote(sentence):
            kinds[k] = QUOTE
    return kinds


def evidence_rows(kinds: np.ndarray) -> np.ndarray:
    """Indexes of the sentences that take part in the alignment (PROSE and QUOTE)."""
    return np.flatnonzero((kinds == PROSE) | (kinds == QUOTE)).astype(np.int64)


class SharedLines:
    """Per document, the hashes of its lines that are shared (see the module docstring): flat
    arrays sorted by row; `of(row)` gives one document's."""

    def __init__(self, row: np.ndarray, hashes: np.ndarray, n: int):
        self.row = np.asarray(row, dtype=np.int64)
        self.hashes = np.asarray(hashes, dtype=np.uint64)
        self.starts = np.searchsorted(self.row, np.arange(n + 1))

    def of(self, row: int) -> np.ndarray:
        return self.hashes[self.starts[row] : self.starts[row + 1]]

    def __len__(self) -> int:
        return len(self.hashes)

    @classmethod
    def none(cls, n: int) -> "SharedLines":
        return cls(np.zeros(0, np.int64), np.zeros(0, np.uint64), n)


def _distinct_counts(keys: list[np.ndarray], group: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Unique key tuples and, for each, the number of distinct groups holding it."""
    order = np.lexsort([group] + keys[::-1])
    cols = [k[order] for k in keys]
    g = group[order]
    new_key = np.ones(len(g), dtype=bool)
    for c in cols:
        new_key[1:] &= c[1:] == c[:-1]
    new_key = ~new_key
    new_key[0] = True
    new_pair = new_key.copy()
    new_pair[1:] |= g[1:] != g[:-1]
    starts = np.flatnonzero(new_key)
    pair_index = np.cumsum(new_pair) - 1
    counts = np.diff(np.append(pair_index[starts], pair_index[-1] + 1)) if len(g) else np.zeros(0, np.int64)
    return [c[starts] for c in cols], counts


def repeated_lines(offsets: np.ndarray, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The line hashes (offsets, hashes) less those only one document holds, which can never be
    shared: what the rewrite tier keeps of the boilerplate tier's line hashes (most lines of a
    corpus are its articles' own paragraphs)."""
    offsets = np.asarray(offsets, dtype=np.int64)
    hashes = np.asarray(hashes, dtype=np.uint64)
    n = len(offsets) - 1
    row = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    pairs = np.unique(np.stack([hashes, row.astype(np.uint64)], axis=1), axis=0) if len(row) else np.zeros((0, 2), np.uint64)
    u, counts = np.unique(pairs[:, 0], return_counts=True)
    keep = np.isin(hashes, u[counts >= 2]) & (hashes != 0)
    kept_row = row[keep]
    new_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(kept_row, minlength=n), out=new_offsets[1:])
    return new_offsets, hashes[keep]


def shared_lines(offsets: np.ndarray, hashes: np.ndarray, groups: np.ndarray, sites: np.ndarray,
                 min_groups: int, min_site_groups: int, ok: np.ndarray | None = None) -> SharedLines:
    """Which lines of each document are shared by many others: a group-by over line hashes.

    offsets, hashes: every document's line hashes, flat (boilerplate.LineHashes; hash 0 = no
    letters, ignored); groups: a lexical group label per document (copies count once); sites:
    an integer site code per document; ok: documents that take part (None: all). A line is
    shared when documents of `min_groups` different groups hold it, or of `min_site_groups`
    groups of one site (0 turns a rule off)."""
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    row = np.repeat(np.arange(n, dtype=np.int64), lengths)
    hashes = np.asarray(hashes, dtype=np.uint64)
    keep = hashes != 0
    if ok is not None:
        keep &= np.asarray(ok, dtype=bool)[row]
    row, hashes = row[keep], hashes[keep]
    if not len(row):
        return SharedLines.none(n)
    group = np.asarray(groups, dtype=np.int64)[row]
    site = np.asarray(sites, dtype=np.int64)[row]
    flagged = np.zeros(len(row), dtype=bool)
    if min_groups > 0:
        (u_hash,), counts = _distinct_counts([hashes], group)
        many = u_hash[counts >= min_groups]
        flagged |= np.isin(hashes, many)
    if min_site_groups > 0:
        (u_site, u_hash), counts = _distinct_counts([site, hashes], group)
        many = counts >= min_site_groups
        if many.any():
            key = np.stack([u_site[many].astype(np.uint64), u_hash[many]], axis=1)
            mine = np.stack([site.astype(np.uint64), hashes], axis=1)
            view = lambda a: np.ascontiguousarray(a).view([("s", np.uint64), ("h", np.uint64)]).ravel()  # noqa: E731
            flagged |= np.isin(view(mine), view(key))
    row, hashes = row[flagged], hashes[flagged]
    pairs = np.unique(np.stack([row.astype(np.uint64), hashes], axis=1), axis=0) if len(row) else np.zeros((0, 2), np.uint64)
    return SharedLines(pairs[:, 0].astype(np.int64), pairs[:, 1], n)
