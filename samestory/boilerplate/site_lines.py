"""Site-wide boilerplate: lines that recur on many pages of one site, learned from the corpus.

trafilatura cleans one page at a time; the chrome it misses ("Discover more from X",
"Subscribe to get the latest posts sent to your email.", newsletter boxes, related-links
blocks) repeats across the pages of a site. Three steps, split so the per-document parts
stay pure batch functions:

1. `line_hashes_batch(texts)` (per batch, in workers): one 64-bit hash per line of each
   clean text, over the line normalised for case, digits and punctuation.
2. `learn_boilerplate(...)` (once, in the main process, a group-by-(site, line) step):
   which (site, line) pairs are boilerplate, and which lines each document loses.
3. `strip_lines_batch(texts, drops)` (per batch, in workers): remove those lines.

A line is boilerplate on a site when (all of):
- the site has at least `min_site_pages` clean pages (with fewer there is no
  telling a shared template from a shared quote);
- the line has at most `max_words` words (long paragraphs are prose);
- it occurs on at least T = max(`min_pages`, ceil(`min_share` * N))
  of the site's N pages: a share of the site, so that on a big site a stock sentence that a
  few articles repeat ("X did not respond to a request for comment.") is not taken for
  chrome, and a floor, so that on a small site two or three articles quoting the same
  paragraph are not;
- and those pages are T *different articles*: pages that are copies of each other (exact,
  edited or excerpted copies of one article on one site) count once. Two pages count as
  the same article when the lines they share, other than the line being tested and
  weighted by words, make up at least `same_article_containment` of the
  shorter page. Distinct articles with a common template share only the template's few
  short lines; copies share their paragraphs. When the template outweighs the articles
  (very short pages), pages look alike and nothing is removed: the safe direction. The
  check runs on a fixed-size deterministic sample of the pages holding the line, so its
  cost does not grow with the site.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import xxhash

from ..config import BoilerplateSettings
from ..clean.normalize import tidy_text
from ..clean.urls import host_of
from ..lexical.shingles import kernels

__all__ = [
    "LineHashes", "Boilerplate", "normalize_line", "line_hashes_batch", "concat_line_hashes",
    "site_key", "learn_boilerplate", "strip_lines", "strip_lines_batch",
]

_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
# Mixes a site number into a line hash so one uint64 identifies a (site, line) pair.
_MIX = np.uint64(0x9E3779B97F4A7C15)


# ASCII punctuation (and "_") to space: str.translate does for ASCII lines what _NON_WORD does,
# several times faster; non-ASCII lines still go through the regex.
_ASCII_PUNCT = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})
_ASCII_PUNCT_MASK = np.zeros(128, dtype=np.bool_)  # the same characters, for the compiled kernel
_ASCII_PUNCT_MASK[list(_ASCII_PUNCT)] = True


def normalize_line(line: str) -> str:
    """Case-folded, digits as 0, punctuation and spacing dropped: "© 2024 X." == "(c) 2023 x"."""
    text = unicodedata.normalize("NFKC", line).casefold()
    if _DIGITS.search(text):
        text = _DIGITS.sub("0", text)
    text = text.translate(_ASCII_PUNCT)
    if not text.isascii():
        text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())


def _has_letter(normalized: str) -> bool:
    return any(ch.isalpha() for ch in normalized)


@dataclass
class LineHashes:
    """Per-line hashes of a batch of texts, flat: document i owns rows offsets[i]:offsets[i+1],
    one row per line of `text.split("\\n")` (hash 0 for lines without letters, and none for
    rejected documents)."""

    offsets: np.ndarray  # (n+1,) int64
    hashes: np.ndarray   # (m,) uint64
    words: np.ndarray    # (m,) int32: words in the line

    def __len__(self) -> int:
        return len(self.offsets) - 1


def line_hashes_batch(texts: list[str | None], max_words: int | None = None) -> LineHashes:
    """Hash every line. Lines of more than `max_words` words can never be boilerplate: they are
    hashed as they are, without normalising (most article paragraphs; their hashes still serve
    to tell copies of one article apart from different articles).

    A compiled kernel (samestory.kernels) splits the lines, counts their words and, for ASCII
    lines, writes the bytes to hash; lines with other characters take the Python path of
    line_hashes_python, which gives the same values and serves where numba is missing."""
    compiled = kernels()
    if compiled is None:
        return line_hashes_python(texts, max_words)
    n = len(texts)
    # surrogatepass: a lone surrogate reaches the Python path as it did before (not ASCII)
    parts = [b"" if t is None else t.encode("utf-8", "surrogatepass") for t in texts]
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=n)
    ends = np.cumsum(lengths)
    counts = np.fromiter((0 if t is None else t.count("\n") + 1 for t in texts), dtype=np.int64, count=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    data = np.frombuffer(b"".join(parts), dtype=np.uint8)
    del parts
    out = np.empty(len(data), dtype=np.uint8)
    limit = max_words if max_words is not None else np.iinfo(np.int64).max
    words, kind, start, end = compiled.line_kernel(
        data, ends - lengths, ends, counts, compiled.CLASSES, _ASCII_PUNCT_MASK, limit, out
    )
    del data
    hashes = np.zeros(len(words), dtype=np.uint64)
    hashed = np.flatnonzero(kind == compiled.LINE_HASHED)
    if len(hashed):
        view = memoryview(out)
        hashes[hashed] = np.fromiter(
            (xxhash.xxh3_64_intdigest(view[a:b]) or 1 for a, b in zip(start[hashed].tolist(), end[hashed].tolist())),
            dtype=np.uint64, count=len(hashed),
        )
    rest = np.flatnonzero(kind >= compiled.LINE_LONG)
    if len(rest):
        doc_of = np.searchsorted(offsets, rest, side="right") - 1
        split: dict[int, list[str]] = {}
        for row, d, long in zip(rest.tolist(), doc_of.tolist(), (kind[rest] == compiled.LINE_LONG).tolist()):
            lines = split.get(d)
            if lines is None:
                lines = split[d] = texts[d].split("\n")
            line = lines[row - offsets[d]]
            if long:
                hashes[row] = xxhash.xxh3_64_intdigest(line.strip().casefold().encode("utf-8")) or 1
                continue
            norm = normalize_line(line)
            if norm and _has_letter(norm):
                hashes[row] = xxhash.xxh3_64_intdigest(norm.encode("utf-8")) or 1
                words[row] = norm.count(" ") + 1
            else:
                words[row] = 0
    return LineHashes(offsets, hashes, words)


def line_hashes_python(texts: list[str | None], max_words: int | None = None) -> LineHashes:
    """line_hashes_batch in plain Python, one line at a time: the fallback without numba and
    the reference the kernel is tested against."""
    counts = np.zeros(len(texts), dtype=np.int64)

    hashes: list[int] = []
    words: list[int] = []
    for i, text in enumerate(texts):
        if text is None:
            continue
        lines = text.split("\n")
        counts[i] = len(lines)
        for line in lines:
            if max_words is not None:
                n_words = len(line.split())
                if n_words > max_words:
                    hashes.append(xxhash.xxh3_64_intdigest(line.strip().casefold().encode("utf-8")) or 1)
                    words.append(n_words)
                    continue
            norm = normalize_line(line)
            if norm and _has_letter(norm):
                hashes.append(xxhash.xxh3_64_intdigest(norm.encode("utf-8")) or 1)
                words.append(norm.count(" ") + 1)
            else:
                hashes.append(0)
                words.append(0)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return LineHashes(offsets, np.asarray(hashes, dtype=np.uint64), np.asarray(words, dtype=np.int32))


def concat_line_hashes(parts: list[LineHashes]) -> LineHashes:
    if not parts:
        return LineHashes(np.zeros(1, np.int64), np.zeros(0, np.uint64), np.zeros(0, np.int32))
    offsets = [np.zeros(1, np.int64)]
    shift = 0
    for p in parts:
        offsets.append(p.offsets[1:] + shift)
        shift += int(p.offsets[-1])
    return LineHashes(
        np.concatenate(offsets),
        np.concatenate([p.hashes for p in parts]),
        np.concatenate([p.words for p in parts]),
    )


def site_key(url: str | None, site: str | None, doc_id: str) -> str:
    """Which site a page belongs to, for learning its template: the URL's host (without
    "www.", archive.org unwrapped), else the page's site name, else where the file lies
    (the record file for JSONL/Parquet/WARC records, else the folder, "./" at the top).
    The host comes first because site names vary between a site's HTML pages and its feed."""
    host = host_of(url)
    if host:
        return host
    if site and site.strip():
        return site.strip()
    if "#" in doc_id:
        return doc_id.split("#", 1)[0]
    folder, _, _ = doc_id.rpartition("/")
    return folder + "/" if folder else "./"


@dataclass
class Boilerplate:
    """What was learned: the per-document lines to drop, and one row per removed line."""

    drops: list[np.ndarray | None]          # per document: line numbers to remove (None: none)
    site: list[str] = field(default_factory=list)        # table rows, sorted
    line: list[str] = field(default_factory=list)        # the line as it appears on its first page
    words: list[int] = field(default_factory=list)
    removed_from_docs: list[int] = field(default_factory=list)
    distinct_pages: list[int] = field(default_factory=list)  # distinct articles (estimated past the sample)
    site_pages: list[int] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)       # "site", or "corpus" (corpus_lines.py)


def threshold(site_pages: int, settings: BoilerplateSettings) -> int:
    """Pages (distinct articles) a line needs on a site of `site_pages` pages."""
    return max(settings.min_pages, math.ceil(settings.min_share * site_pages))


def learn_boilerplate(
    sites: list[str], lines: LineHashes, ok: np.ndarray, texts: list[str | None], settings: BoilerplateSettings
) -> Boilerplate:
    """The group-by-(site, line) step: count each normalised line over the distinct pages of
    its site, keep those above the site's threshold that recur on different articles."""
    n = len(sites)
    result = Boilerplate(drops=[None] * n)
    if n == 0 or not settings.enabled:
        return result
    site_names = sorted(set(sites[i] for i in range(n) if ok[i]))
    site_id_of = {s: k for k, s in enumerate(site_names)}
    doc_site = np.array([site_id_of.get(s, -1) if ok[i] else -1 for i, s in enumerate(sites)], dtype=np.int64)
    site_pages = np.bincount(doc_site[doc_site >= 0], minlength=len(site_names))

    counts = np.diff(lines.offsets)
    row = np.repeat(np.arange(n, dtype=np.int32), counts)
    line_site = doc_site[row]
    usable = (lines.hashes != 0) & (line_site >= 0) & (lines.words <= settings.max_words)
    usable &= site_pages[np.maximum(line_site, 0)] >= settings.min_site_pages
    idx = np.flatnonzero(usable)
    del usable
    if not len(idx):
        return result
    u_row = row[idx]
    del row
    u_pos = (idx - lines.offsets[u_row]).astype(np.int32)
    u_key = lines.hashes[idx] * _MIX + line_site[idx].astype(np.uint64) * np.uint64(2) + np.uint64(1)  # wraps: a hash
    del line_site

    # one sort by (site+line key, page, position); the first row of each (key, page) counts,
    # so a line repeated inside one page counts once
    order = np.lexsort((u_pos, u_row, u_key))
    k_o, r_o = u_key[order], u_row[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (k_o[1:] != k_o[:-1]) | (r_o[1:] != r_o[:-1])
    del k_o, r_o
    sel = order[first]
    del order, first
    keys_sorted, rows_sorted, pos_sorted = u_key[sel], u_row[sel], u_pos[sel]
    hash_sorted, words_sorted = lines.hashes[idx[sel]], lines.words[idx[sel]]
    del sel, u_row, u_pos

    # pages per (site, line), and the candidates above their site's threshold
    starts = np.flatnonzero(np.concatenate(([True], keys_sorted[1:] != keys_sorted[:-1])))
    ends = np.append(starts[1:], len(keys_sorted))
    pages = ends - starts
    key_site = doc_site[rows_sorted[starts]]
    need = np.array([threshold(int(site_pages[s]), settings) for s in range(len(site_names))], dtype=np.int64)
    candidate = pages >= need[key_site]
    if not candidate.any():
        return result

    lines_of = _DocLines(lines)
    cache: dict[tuple, int] = {}
    chosen: list[int] = []       # indices into starts/ends
    distinct: dict[int, int] = {}
    for c in np.flatnonzero(candidate):
        docs = rows_sorted[starts[c]:ends[c]]
        line_hash = int(hash_sorted[starts[c]])
        t = int(need[key_site[c]])
        estimate = _distinct_articles(docs, line_hash, t, lines_of, cache, settings)
        if estimate >= t:
            chosen.append(int(c))
            distinct[int(c)] = estimate

    if not chosen:
        return result

    # which lines each page loses: every line (also repeats inside a page) with a chosen key
    chosen_keys = np.sort(keys_sorted[starts[chosen]])
    _set_drops(result, lines.offsets, idx[np.isin(u_key, chosen_keys)])
    rows_out = []
    for c in chosen:
        first_doc = int(rows_sorted[starts[c]])  # rows are sorted within a key
        shown = (texts[first_doc] or "").split("\n")[int(pos_sorted[starts[c]])].strip()
        s = int(key_site[c])
        rows_out.append((site_names[s], shown, int(words_sorted[starts[c]]), int(pages[c]), distinct[c], int(site_pages[s])))
    _set_table_rows(result, rows_out)
    return result


def _set_drops(result: Boilerplate, offsets: np.ndarray, hit_idx: np.ndarray) -> None:
    """Per document, the line numbers to remove, from the sorted flat line rows that hit."""
    hit_row = np.searchsorted(offsets, hit_idx, side="right") - 1
    bounds = np.flatnonzero(np.concatenate(([True], hit_row[1:] != hit_row[:-1], [True])))
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        r = int(hit_row[lo])
        result.drops[r] = (hit_idx[lo:hi] - offsets[r]).astype(np.int64)


def _set_table_rows(result: Boilerplate, rows_out: list[tuple]) -> None:
    """boilerplate.parquet rows, by site, then most pages, then line."""
    rows_out.sort(key=lambda r: (r[0], -r[3], r[1]))
    for s, shown, w, p, dp, sp in rows_out:
        result.site.append(s)
        result.line.append(shown)
        result.words.append(w)
        result.removed_from_docs.append(p)
        result.distinct_pages.append(dp)
        result.site_pages.append(sp)
        result.scope.append("site")


class _DocLines:
    """Each page's distinct line hashes with their word counts, built when first needed."""

    def __init__(self, lines: LineHashes) -> None:
        self.lines = lines
        self.memo: dict[int, tuple[dict[int, int], int]] = {}

    def get(self, row: int) -> tuple[dict[int, int], int]:
        got = self.memo.get(row)
        if got is None:
            a, b = self.lines.offsets[row], self.lines.offsets[row + 1]
            words: dict[int, int] = {}
            for h, w in zip(self.lines.hashes[a:b].tolist(), self.lines.words[a:b].tolist()):
                if h:
                    words[h] = w
            got = (words, sum(words.values()))
            self.memo[row] = got
        return got


def _sample(docs: np.ndarray, size: int) -> np.ndarray:
    """A fixed pseudo-random subset (the same for the same rows, whatever the input order)."""
    if len(docs) <= size:
        return np.sort(docs)
    mixed = (docs.astype(np.uint64) + np.uint64(1)) * _MIX
    return np.sort(docs[np.argsort(mixed, kind="stable")[:size]])


def _distinct_articles(docs, line_hash, needed, lines_of: _DocLines, cache, settings: BoilerplateSettings) -> int:
    """How many different articles hold the line: greedy over a sample, scaled to all pages.

    Stops as soon as the estimate reaches `needed` (the answer is then "enough")."""
    sample = _sample(docs, settings.sample_pages)
    scale = len(docs) / len(sample)
    key = (line_hash, needed, sample.tobytes())
    if key in cache:
        return cache[key]
    limit = settings.same_article_containment
    reps: list[tuple[dict[int, int], int]] = []
    for r in sample.tolist():
        words, total = lines_of.get(r)
        own = total - words.get(line_hash, 0)
        if own <= 0:
            continue  # a page that is only this line says nothing about articles
        for rep_words, rep_own in reps:
            small, large = (words, rep_words) if len(words) <= len(rep_words) else (rep_words, words)
            shared = sum(w for h, w in small.items() if h != line_hash and h in large)
            if shared >= limit * min(own, rep_own):
                break
        else:
            reps.append((words, own))  # (line words, words other than this line)
            if math.floor(len(reps) * scale) >= needed:
                break
    estimate = int(math.floor(len(reps) * scale))
    cache[key] = estimate
    return estimate


def strip_lines(text: str | None, drop: np.ndarray | None) -> tuple[str | None, int]:
    """The text without the given line numbers (re-tidied), and how many lines went."""
    if text is None or drop is None or len(drop) == 0:
        return text, 0
    lines = text.split("\n")
    gone = set(drop.tolist())
    kept = [line for i, line in enumerate(lines) if i not in gone]
    return tidy_text("\n".join(kept)), sum(1 for i in gone if lines[i].strip())


def strip_lines_batch(texts: list[str | None], drops: list[np.ndarray | None]) -> tuple[list[str | None], list[int]]:
    out_texts: list[str | None] = []
    removed: list[int] = []
    for text, drop in zip(texts, drops):
        t, k = strip_lines(text, drop)
        out_texts.append(t)
        removed.append(k)
    return out_texts, removed
