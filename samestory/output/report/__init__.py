"""report.html: one self-contained page that shows a run to a person.

The page is a static file with inline CSS and JS and the run's data embedded as JSON in a
`<script type="application/json">` block. The JS renders everything with `textContent` (never
`innerHTML` with data), and a Content-Security-Policy allows only the page's own script and style
(by hash) and no network at all, so a crawled page carrying `<script>` or `onerror=` shows as
text and runs nothing. Groups and rejected documents are paginated and each group's side-by-side
view is built only when it is opened, so the page stays usable at 10,000+ groups.

`build_report_data` (tables -> plain dict) and `render_report` (dict -> HTML) are separate so the
data can be tested without a browser; `write_report` is what `write_outputs` and
`samestory report OUT_DIR` call.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

import pyarrow as pa
import pyarrow.parquet as pq
from rapidfuzz.distance import Indel

from ...clean.dates import PRECISIONS, PublishedDate
from ...config import ConfigError, ReportSettings
from ..write import RUN_MANIFEST, UnfinishedRunError, check_finished, replacing, summarize
from ...explain import describe_pair

__all__ = [
    "REPORT_FILE",
    "ReportError",
    "align_for_display",
    "build_report_data",
    "rows_with_gaps",
    "render_report",
    "split_for_display",
    "write_report",
    "rebuild_report",
]

REPORT_FILE = "report.html"
RELATIONS = ("exact", "near", "partial", "rewrite", "translation")
# Group-size histogram bins: (label, lowest size, highest size).
SIZE_BINS = (
    ("2", 2, 2), ("3", 3, 3), ("4", 4, 4), ("5", 5, 5), ("6-10", 6, 10),
    ("11-20", 11, 20), ("21-50", 21, 50), ("51-100", 51, 100), ("101+", 101, math.inf),
)
_ASSETS = Path(__file__).parent


class ReportError(Exception):
    """A run folder or table the report cannot be built from (shown to the user as one line)."""


# --------------------------------------------------------------------------- sentences
# Hand-written on purpose: this split is for display only (rows of the side-by-side view), it
# needs no model or data download, and a wrong split costs a slightly odd row, not a wrong match.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘”’«(\[]?[A-Z0-9À-ÖØ-Þ])")
_WORD = re.compile(r"\w+", re.UNICODE)


def split_for_display(text: str) -> tuple[list[str], list[int]]:
    """(sentences, indices of sentences that start a paragraph) of a clean text."""
    sentences: list[str] = []
    starts: list[int] = []
    for paragraph in re.split(r"\n\s*", text or ""):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        starts.append(len(sentences))
        begin = 0
        for end in _SENTENCE_END.finditer(paragraph):
            sentences.append(paragraph[begin:end.end()].strip())
            begin = end.end()
        if paragraph[begin:].strip():
            sentences.append(paragraph[begin:].strip())
    return sentences, starts


def _words(sentence: str) -> list[str]:
    return _WORD.findall(sentence.lower())


def _similarity(a: list[str], b: list[str]) -> float:
    """2 * LCS / (len a + len b) over words: rapidfuzz's C++ Indel (difflib's ratio, exact LCS)."""
    if not a and not b:
        return 1.0
    return Indel.normalized_similarity(a, b)


# Sentence pairs in a changed block are matched only above this word similarity.
_PAIR_MIN_SIMILARITY = 0.4
# A changed block larger than this (sentences x sentences) is shown unpaired, to bound the work.
_MAX_BLOCK_CELLS = 2_500


def align_for_display(a: list[str], b: list[str]) -> list[list]:
    """Side-by-side rows [i, j, similarity] for two sentence lists; -1 marks a missing side.

    difflib finds the runs of identical sentences (after lower-casing and dropping punctuation);
    within each changed block the sentences are paired by a small monotone alignment that
    maximises the summed word similarity, so an edited sentence sits beside its source.
    """
    wa = [_words(s) for s in a]
    wb = [_words(s) for s in b]
    matcher = difflib.SequenceMatcher(None, [" ".join(w) for w in wa], [" ".join(w) for w in wb], autojunk=False)
    rows: list[list] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend([i, j, 1.0] for i, j in zip(range(i1, i2), range(j1, j2)))
        elif tag == "delete":
            rows.extend([i, -1, 0.0] for i in range(i1, i2))
        elif tag == "insert":
            rows.extend([-1, j, 0.0] for j in range(j1, j2))
        else:
            rows.extend(_align_block(wa, wb, i1, i2, j1, j2))
    return rows


def _align_block(wa, wb, i1, i2, j1, j2) -> list[list]:
    n, m = i2 - i1, j2 - j1
    if n * m > _MAX_BLOCK_CELLS:
        return [[i, -1, 0.0] for i in range(i1, i2)] + [[-1, j, 0.0] for j in range(j1, j2)]
    sim = [[_similarity(wa[i1 + x], wb[j1 + y]) for y in range(m)] for x in range(n)]
    # best[x][y]: best summed similarity aligning the first x of a-block with the first y of b-block
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for x in range(1, n + 1):
        for y in range(1, m + 1):
            s = sim[x - 1][y - 1]
            take = best[x - 1][y - 1] + s if s >= _PAIR_MIN_SIMILARITY else -1.0
            best[x][y] = max(take, best[x - 1][y], best[x][y - 1])
    out: list[list] = []
    x, y = n, m
    while x > 0 or y > 0:
        if x > 0 and y > 0:
            s = sim[x - 1][y - 1]
            if s >= _PAIR_MIN_SIMILARITY and best[x][y] == best[x - 1][y - 1] + s:
                out.append([i1 + x - 1, j1 + y - 1, round(s, 3)])
                x, y = x - 1, y - 1
                continue
        if x > 0 and (y == 0 or best[x][y] == best[x - 1][y]):
            out.append([i1 + x - 1, -1, 0.0])
            x -= 1
        else:
            out.append([-1, j1 + y - 1, 0.0])
            y -= 1
    out.reverse()
    return out


def rows_with_gaps(aligned: list[tuple[int, int, float]], n_a: int, n_b: int) -> list[tuple[int | None, int | None, float | None]]:
    """Every sentence of both sides once: the aligned (i, j, similarity) pairs in A's order, each
    side's sentences without a counterpart (None on the other side) where they fall between."""
    aligned = sorted(aligned)
    used_a = {i for i, _, _ in aligned}
    used_b = {j for _, j, _ in aligned}
    shown_b: set[int] = set()
    rows: list[tuple[int | None, int | None, float | None]] = []
    next_a = next_b = 0
    for i, j, s in aligned:
        rows.extend((x, None, None) for x in range(next_a, i) if x not in used_a)
        next_a = max(next_a, i)
        for y in range(next_b, j):
            if y not in used_b and y not in shown_b:
                rows.append((None, y, None))
                shown_b.add(y)
        rows.append((i, j, s))
        next_a = max(next_a, i + 1)
        next_b = max(next_b, j + 1)
    rows.extend((x, None, None) for x in range(next_a, n_a) if x not in used_a)
    rows.extend((None, y, None) for y in range(n_b) if y not in used_b and y not in shown_b and y >= next_b)
    return rows


# --------------------------------------------------------------------------- data
def _num(value: Any) -> float | int | None:
    """JSON-safe number (NaN/inf would break JSON.parse in the page)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return round(f, 6) if math.isfinite(f) else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _date_text(when: Any, precision: str | None) -> str | None:
    """A date as precise as known (2024, 2024-03-04, 2024-03-04T08:20:00Z)."""
    if isinstance(when, datetime) and precision in PRECISIONS:
        return str(PublishedDate(when if when.tzinfo else when.replace(tzinfo=timezone.utc), precision))
    return _str(when)


def _clean_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean_json(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_clean_json(v) for v in value]
    if isinstance(value, float):
        return _num(value)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _evidence(raw: str | None) -> dict:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return {"unparsed_evidence": str(raw)[:500]}
    return value if isinstance(value, dict) else {"evidence": value}


def _cut(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ", max(0, limit - 200))
    return (cut[:space] if space > 0 else cut), True


def _column(table: pa.Table, name: str, default=None) -> list:
    if name in table.column_names:
        return table.column(name).to_pylist()
    return [default] * table.num_rows


class _Texts:
    """The text column read by row: the page shows a few hundred documents, so a corpus' texts
    are never all turned into Python strings. From the table's column, else from `texts` (a
    textstore store: the run's texts when the documents table was built without them)."""

    def __init__(self, documents: pa.Table, texts=None):
        self._column = documents.column("text") if "text" in documents.column_names else None
        self._texts = texts
        self._read: dict[int, str | None] = {}  # the page reads a shown document's text several times

    def __getitem__(self, row: int) -> str | None:
        if row not in self._read:
            if self._column is not None:
                self._read[row] = self._column[row].as_py()
            else:
                self._read[row] = self._texts[row] if self._texts is not None else None
        return self._read[row]


_REQUIRED_DOC_COLUMNS = ("doc_id", "status")


def build_report_data(
    documents: pa.Table,
    pairs: pa.Table,
    summary: Mapping[str, Any],
    boilerplate: pa.Table | None = None,
    limits: ReportSettings | None = None,
    run: Mapping[str, Any] | None = None,
    texts=None,
) -> dict:
    """Everything the page shows, as plain JSON-able data (deterministic for the same tables).

    `run` is what run.json says about the run (its "settings", "tiers" and "inputs"); the page
    shows it, and the settings' thresholds go into the evidence in words."""
    limits = limits or ReportSettings()
    run_info = _run_info(run)
    missing = [c for c in _REQUIRED_DOC_COLUMNS if c not in documents.column_names]
    if missing:
        raise ReportError(f"documents table lacks column(s): {', '.join(missing)}")
    cols = {name: _column(documents, name) for name in (
        "doc_id", "source", "url", "title", "date", "date_precision", "site", "status", "reason", "n_words",
        "cluster_id", "is_canonical", "relation", "score", "via", "canonical_reason",
    )}
    cols["text"] = _Texts(documents, texts)
    n = documents.num_rows
    row_of = {doc_id: row for row, doc_id in enumerate(cols["doc_id"])}
    groups = _groups_largest_first(cols, n)

    pair_rows: dict[tuple[str, str], int] = {}
    p_a, p_b = _column(pairs, "doc_a"), _column(pairs, "doc_b")
    for k, (a, b) in enumerate(zip(p_a, p_b)):
        pair_rows.setdefault((a, b), k)
    p_cols = {name: _column(pairs, name) for name in ("relation", "score", "jaccard", "containment", "evidence")}
    related_of = _related_pairs(p_a, p_b, p_cols, row_of)

    collected = _Documents(cols, limits.max_text_chars)
    out_groups, budget_reached = _collect_groups(groups, cols, row_of, pair_rows, p_cols, limits, collected,
                                                 run_info["settings"], related_of)
    docs = collected.docs
    for k, group in enumerate(out_groups):  # each shown document knows its group, for the document list
        docs[group["canon"]]["g"] = k
        for member in group["members"]:
            docs[member["doc"]]["g"] = k
    text_chars = sum(len(x) for d in docs for x in d["sents"] if isinstance(x, str))
    grouped = {row for _, rows in groups for row in rows}
    listed, more_listed = _list_documents(cols, collected, limits, text_chars, grouped)

    rejected_rows = [r for r in range(n) if cols["status"][r] != "ok"]
    rejected = [
        {"id": _str(cols["doc_id"][r]), "source": _str(cols["source"][r]), "url": _str(cols["url"][r]),
         "reason": _str(cols["reason"][r])}
        for r in rejected_rows[: max(0, limits.max_rejected)]
    ]
    # Only the parts of foreign shape go through _clean_json; the rest is built JSON-safe above.
    return {
        "summary": _clean_json(dict(summary)),
        # translation is listed when its tier ran or a pair has it (it is off by default)
        "relations": [r for r in RELATIONS if r != "translation" or "translation" in (run_info.get("tiers") or ())
                      or "translation" in (summary.get("duplicates_by_relation") or {})],
        "size_histogram": _size_histogram(groups),
        "docs": docs,
        "groups": out_groups,
        "more_groups": max(0, len(groups) - len(out_groups)),
        "text_budget_reached": budget_reached,
        "total_groups": len(groups),
        "rejected": rejected,
        "more_rejected": max(0, len(rejected_rows) - len(rejected)),
        "boilerplate": _boilerplate(boilerplate),
        "documents": listed,
        "more_documents": more_listed,
        "run": run_info,
        "limits": {"max_groups": limits.max_groups, "max_members": limits.max_members,
                   "max_text_chars": limits.max_text_chars, "max_rejected": limits.max_rejected,
                   "max_total_chars": limits.max_total_chars, "max_documents": limits.max_documents},
    }


def _run_info(run: Mapping[str, Any] | None) -> dict:
    """The run's settings, tiers and inputs as the page shows them (empty when not known)."""
    run = dict(run or {})
    settings = _clean_json(run.get("settings")) if isinstance(run.get("settings"), dict) else {}
    tiers = run.get("tiers")
    if not isinstance(tiers, list) and settings:  # a run.json from before "tiers": the settings say
        tiers = ["lexical"] + [t for t in ("boilerplate", "rewrite", "translation")
                                  if (settings.get(t) or {}).get("enabled", t != "translation")]
    return {
        "settings": settings,
        "tiers": sorted(str(t) for t in tiers) if isinstance(tiers, list) else None,
        "inputs": _clean_json(run.get("inputs")) if isinstance(run.get("inputs"), dict) else None,
    }


def _list_documents(cols, collected: "_Documents", limits: ReportSettings, text_chars: int,
                    grouped: set[int]) -> tuple[list[int], int]:
    """Every ok document for the document list, in doc_id order: those of the shown groups are
    there already; the others (unique ones, and members of groups past the limits) are added, text
    and all, while the limits allow."""
    ok_rows = sorted((r for r in range(len(cols["doc_id"])) if cols["status"][r] == "ok"), key=lambda r: cols["doc_id"][r])
    listed: list[int] = []
    more = added = 0
    for row in ok_rows:
        if row in collected.index:
            listed.append(collected.index[row])
            continue
        text = cols["text"][row] or ""
        if added >= limits.max_documents or text_chars + min(len(text), limits.max_text_chars) > limits.max_total_chars:
            more += 1
            continue
        doc = collected.of(row)
        if row in grouped:  # in a group the report does not show: say what it is there
            doc["role"] = "canonical" if cols["is_canonical"][row] else (_str(cols["relation"][row]) or "member")
        added += 1
        text_chars += sum(len(x) for x in doc["sents"])
        listed.append(collected.index[row])
    return listed, more


class _Documents:
    """The documents the page embeds, each once, in the order the groups first show them."""

    def __init__(self, cols: dict, max_text_chars: int):
        self.cols, self.max_text_chars = cols, max_text_chars
        self.docs: list[dict] = []
        self.index: dict[int, int] = {}
        self.rows: list[int] = []  # table row of each entry of docs

    def add(self, row: int) -> int:
        if row in self.index:
            return self.index[row]
        cols = self.cols
        text, was_cut = _cut(cols["text"][row] or "", self.max_text_chars)
        sentences, starts = split_for_display(text)
        self.index[row] = len(self.docs)
        self.rows.append(row)
        self.docs.append({
            "id": _str(cols["doc_id"][row]), "url": _str(cols["url"][row]), "title": _str(cols["title"][row]),
            "date": _date_text(cols["date"][row], cols["date_precision"][row]), "site": _str(cols["site"][row]),
            "source": _str(cols["source"][row]),
            "words": _num(cols["n_words"][row]), "sents": sentences, "paras": starts,
            "cut": len(cols["text"][row] or "") if was_cut else None
        })
        return self.index[row]

    def of(self, row: int) -> dict:
        return self.docs[self.add(row)]

    def drop_from(self, first: int) -> None:
        """Forget the documents added since entry `first` (a group left out)."""
        for row in self.rows[first:]:
            del self.index[row]
        del self.docs[first:], self.rows[first:]


def _collect_groups(groups, cols, row_of, pair_rows, p_cols, limits: ReportSettings, collected: _Documents,
                    settings: dict | None = None, related_of: dict | None = None):
    """The groups shown, each canonical with its members, within the page's limits."""
    out_groups: list[dict] = []
    text_chars = 0
    for cluster, rows in groups[: max(0, limits.max_groups)]:
        first_new_doc = len(collected.docs)
        canon_row = row_of.get(cluster)
        if canon_row is None or canon_row not in rows:
            canon_row = next((r for r in rows if cols["is_canonical"][r]), rows[0])
        members = sorted(
            (r for r in rows if r != canon_row),
            key=lambda r: (_RELATION_RANK.get(cols["relation"][r], 9), -(_num(cols["score"][r]) or 0.0), cols["doc_id"][r]),
        )
        relation_counts = Counter(cols["relation"][r] or "unknown" for r in members)
        canon_id = cols["doc_id"][canon_row]
        sentences_of = lambda row: collected.of(row)["sents"]  # noqa: E731
        out_members = [
            _member(r, canon_row, canon_id, cols, pair_rows, p_cols, collected.add, sentences_of, collected.of, settings)
            for r in members[: max(0, limits.max_members)]
        ]
        scores = [x for x in (_num(cols["score"][r]) for r in members) if x is not None]
        out_groups.append({
            "canon": collected.add(canon_row),
            "reason": _str(cols["canonical_reason"][canon_row]),
            "size": len(rows),
            "score": min(scores) if scores else None,  # a group is as sure as its weakest member
            "rels": dict(sorted(relation_counts.items())),
            "members": out_members,
            "more_members": max(0, len(members) - len(out_members)),
            "related": _group_related(rows, related_of or {}, cols),
        })
        group_chars = sum(len(x) for d in collected.docs[first_new_doc:] for x in d["sents"] if isinstance(x, str))
        if out_groups[1:] and text_chars + group_chars > limits.max_total_chars:
            # over the page's text budget: drop this group (and its documents) and stop here
            out_groups.pop()
            collected.drop_from(first_new_doc)
            return out_groups, True
        text_chars += group_chars
    return out_groups, False


def _groups_largest_first(cols: dict, n: int) -> list[tuple[str, list[int]]]:
    """Groups: ok documents sharing a cluster_id, more than one of them; largest first."""
    by_cluster: dict[str, list[int]] = defaultdict(list)
    for row in range(n):
        cluster = cols["cluster_id"][row]
        if cols["status"][row] == "ok" and cluster is not None:
            by_cluster[cluster].append(row)
    groups = [(cluster, rows) for cluster, rows in by_cluster.items() if len(rows) > 1]
    groups.sort(key=lambda g: (-len(g[1]), g[0]))
    return groups


def _size_histogram(groups: list[tuple[str, list[int]]]) -> list[list]:
    sizes = Counter(len(rows) for _, rows in groups)
    histogram = [[label, sum(c for s, c in sizes.items() if lo <= s <= hi)] for label, lo, hi in SIZE_BINS]
    while histogram and histogram[-1][1] == 0 and len(histogram) > 4:
        histogram.pop()
    return histogram


_RELATION_RANK = {name: rank for rank, name in enumerate(RELATIONS)}
_MAX_RELATED_SHOWN = 20


def _related_pairs(p_a, p_b, p_cols, row_of) -> dict[int, list[tuple[int, float]]]:
    """Each document's "related" pairs (near misses of the rewrite decision): [(other row, score)]."""
    out: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for a, b, relation, score in zip(p_a, p_b, p_cols["relation"], p_cols["score"]):
        if relation != "related" or a not in row_of or b not in row_of:
            continue
        out[row_of[a]].append((row_of[b], _num(score) or 0.0))
        out[row_of[b]].append((row_of[a], _num(score) or 0.0))
    return out


def _group_related(rows: list[int], related_of, cols) -> list[dict]:
    """"Also related to...": documents outside the group that a member nearly rewrites."""
    inside = set(rows)
    found = {}
    for r in rows:
        for other, score in related_of.get(r, ()):
            if other in inside:
                continue
            key = (cols["doc_id"][r], cols["doc_id"][other])
            found[key] = {"member": _str(cols["doc_id"][r]), "doc": _str(cols["doc_id"][other]),
                          "title": _str(cols["title"][other]), "url": _str(cols["url"][other]), "score": score}
    return sorted(found.values(), key=lambda x: (-x["score"], x["doc"], x["member"]))[:_MAX_RELATED_SHOWN]
_SHOWN_ELSEWHERE = {"aligned", "name_variants"}


def _share_sentences(member: dict, canon: dict, canon_index: int) -> None:
    """Store a member's sentences that equal one of the canonical's as its index there.

    Copies repeat their source, so this keeps the page small for large groups of copies; the
    page resolves the references (doc["ref"] names the canonical) before it shows or searches.
    """
    if "ref" in member or member is canon:
        return
    index: dict[str, int] = {}
    for i, sentence in enumerate(canon["sents"]):
        index.setdefault(sentence, i)
    shared = [index.get(s, s) for s in member["sents"]]
    if any(isinstance(s, int) for s in shared):
        member["sents"] = shared
        member["ref"] = canon_index


def _member(r, canon_row, canon_id, cols, pair_rows, p_cols, add_doc, sentences_of, docs_of, settings=None) -> dict:
    member_id = cols["doc_id"][r]
    k = pair_rows.get((canon_id, member_id))
    flipped = False
    if k is None:
        k = pair_rows.get((member_id, canon_id))
        flipped = k is not None
    pair = None
    aligned = None
    names: list[list] = []
    if k is not None:
        evidence = _evidence(p_cols["evidence"][k])
        pair = {
            "relation": _str(p_cols["relation"][k]), "score": _num(p_cols["score"][k]),
            "jaccard": _num(p_cols["jaccard"][k]), "containment": _num(p_cols["containment"][k]),
            "evidence": _clean_json({key: value for key, value in evidence.items() if key not in _SHOWN_ELSEWHERE}),
            "flipped": flipped,
        }
        if flipped:  # the page always puts the canonical on the left
            pair["evidence"] = _flip_evidence(pair["evidence"])
        pair["words"] = describe_pair(pair["relation"], pair["jaccard"], pair["containment"], pair["evidence"],
                                      settings, ("canonical", "member"))
        for item in evidence.get("aligned") or []:
            if not isinstance(item, dict):
                continue
            a, b = str(item.get("a", "")), str(item.get("b", ""))
            if flipped:
                a, b = b, a
            aligned = aligned or []
            aligned.append([a, b, _num(item.get("similarity"))])
        # a rewrite's spelling variants, or the names a translation's aligned sentences share
        for item in evidence.get("name_variants") or evidence.get("names") or []:
            if not isinstance(item, dict):
                continue
            a, b = str(item.get("a", "")), str(item.get("b", ""))
            if flipped:
                a, b = b, a
            if a or b:
                names.append([a, b, _num(item.get("similarity"))])
    rows = None
    if aligned is None:
        rows = align_for_display(sentences_of(canon_row), sentences_of(r))
    else:  # the rewrite view: the aligned pairs, with each side's sentences that have no counterpart
        aligned = _with_unmatched(aligned, cols["text"][canon_row] or "", cols["text"][r] or "")
    _share_sentences(docs_of(r), docs_of(canon_row), add_doc(canon_row))
    return {
        "doc": add_doc(r),
        "relation": _str(cols["relation"][r]),
        "score": _num(cols["score"][r]),
        "via": _str(cols["via"][r]),
        "pair": pair,
        "rows": rows,           # [i, j, similarity] into the two docs' sentences (computed here)
        "aligned": aligned,     # [canonical sentence, member sentence, similarity] (from evidence)
        "names": names,         # [canonical spelling, member spelling, similarity]
    }


def _with_unmatched(aligned: list[list], canon_text: str, member_text: str) -> list[list]:
    """Rows [canonical sentence or None, member sentence or None, similarity or None]: the
    evidence's aligned pairs placed among both texts' sentences (split as the rewrite tier splits
    them). Pairs whose sentences are not found in the texts stay, at the end."""
    from ...rewrite.sentences import split_for_alignment

    sent_a, sent_b = split_for_alignment(canon_text), split_for_alignment(member_text)
    first_a = {s: i for i, s in reversed(list(enumerate(sent_a)))}
    first_b = {s: j for j, s in reversed(list(enumerate(sent_b)))}
    placed, loose = [], []
    for a, b, sim in aligned:
        i, j = first_a.get(a), first_b.get(b)
        (placed if i is not None and j is not None else loose).append((i, j, sim) if i is not None and j is not None else [a, b, sim])
    if not placed:  # nothing to place the others against: the pairs, then the member's other sentences
        paired_b = {b for _, b, _ in aligned}
        return aligned + [[None, s, None] for s in sent_b if s not in paired_b]
    rows = [[None if i is None else sent_a[i], None if j is None else sent_b[j], sim]
            for i, j, sim in rows_with_gaps(placed, len(sent_a), len(sent_b))]
    return rows + loose


_FLIP_KEYS = (("coverage_a", "coverage_b"),)


def _flip_evidence(evidence: dict) -> dict:
    out = dict(evidence)
    for left, right in _FLIP_KEYS:
        if left in out or right in out:
            out[left], out[right] = evidence.get(right), evidence.get(left)
            if out[left] is None:
                del out[left]
            if out[right] is None:
                del out[right]
    for key in ("shingles", "sentences"):  # [doc_a's, doc_b's] counts
        if isinstance(out.get(key), list) and len(out[key]) == 2:
            out[key] = list(reversed(out[key]))
    return out


_BOILERPLATE_ROWS = 2_000


def _boilerplate(table: pa.Table | None) -> dict | None:
    """The removed site lines, generically (whatever columns boilerplate.parquet has)."""
    if table is None or table.num_rows == 0:
        return None
    columns = [name for name in table.column_names if not pa.types.is_nested(table.schema.field(name).type)]
    rows = [[_clean_json(row.get(c)) for c in columns] for row in table.slice(0, _BOILERPLATE_ROWS).to_pylist()]
    return {"columns": columns, "rows": rows, "total": table.num_rows}


# --------------------------------------------------------------------------- HTML
def _script_json(data: dict) -> str:
    """JSON that is safe inside <script type="application/json"> (no `</script>`, no `<!--`)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def render_report(data: dict) -> str:
    """The page: template + inline CSS/JS (allowed by hash) + the data block."""
    template = (_ASSETS / "report_template.html").read_text(encoding="utf-8")
    style = (_ASSETS / "report.css").read_text(encoding="utf-8")
    script = (_ASSETS / "report.js").read_text(encoding="utf-8")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    html = template.replace("{{CSP}}", csp).replace("{{STYLE}}", style).replace("{{SCRIPT}}", script)
    head, marker, tail = html.partition("{{DATA}}")
    if not marker:
        raise ReportError("report template lacks its {{DATA}} marker")
    return head + _script_json(data) + tail


def write_report(
    out_dir: str | Path,
    documents: pa.Table,
    pairs: pa.Table,
    summary: Mapping[str, Any],
    boilerplate: pa.Table | None = None,
    settings: ReportSettings | None = None,
    path: Path | None = None,
    run: Mapping[str, Any] | None = None,
    texts=None,
) -> Path:
    """Write out_dir/report.html (or `path`) within the limits of `settings` (the report section);
    `run` is run.json's record of the run (settings, tiers, inputs) for the page to show; `texts`
    the text store when `documents` has no text column. Written under a temporary name and
    renamed, so a killed run never leaves half a page."""
    data = build_report_data(documents, pairs, summary, boilerplate, settings, run, texts)
    path = path or Path(out_dir) / REPORT_FILE
    with replacing(path) as temp:
        temp.write_text(render_report(data), encoding="utf-8")
    return path


def rebuild_report(out_dir: str | Path, settings: ReportSettings | None = None) -> Path:
    """(Re)build report.html from an existing run folder's parquet files and run.json."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ReportError(f"{out_dir} is not a folder")
    tables: dict[str, pa.Table | None] = {}
    for name in ("documents", "pairs", "boilerplate"):
        path = out_dir / f"{name}.parquet"
        if not path.exists():
            if name == "boilerplate":
                tables[name] = None
                continue
            raise ReportError(f"{out_dir} holds no {path.name}; is it the --out folder of a samestory run?")
        if name == "documents":
            try:
                check_finished(out_dir)
            except UnfinishedRunError as exc:
                raise ReportError(str(exc)) from None
        try:
            tables[name] = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise ReportError(f"cannot read {path}: {exc}") from None
    summary: dict = {}
    manifest_settings: dict = {}
    manifest = out_dir / RUN_MANIFEST
    try:
        loaded = dict(json.loads(manifest.read_text(encoding="utf-8")))
        summary = dict(loaded.get("summary") or {})
        manifest_settings = dict(loaded.get("settings") or {})
    except (OSError, ValueError, AttributeError, UnicodeDecodeError, TypeError) as exc:
        raise ReportError(f"cannot read {manifest}: {exc}") from None
    if not summary:
        summary = summarize(tables["documents"], tables["pairs"], tables["boilerplate"])
    return write_report(
        out_dir, tables["documents"], tables["pairs"], summary, tables["boilerplate"],
        settings if settings is not None else _report_settings(manifest_settings, manifest),
        run={"settings": manifest_settings, "tiers": loaded.get("tiers"), "inputs": loaded.get("inputs")},
    )


def _report_settings(saved: dict, manifest: Path) -> ReportSettings:
    """The report section of a run's saved settings (defaults for a run that saved none)."""
    section = saved.get("report")
    if not isinstance(section, dict):
        return ReportSettings()
    try:
        return ReportSettings.from_dict(section, origin=str(manifest))
    except ConfigError as exc:
        raise ReportError(str(exc)) from None
