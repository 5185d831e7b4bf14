"""`samestory compare A B`: the relation between two documents, with the aligned view.

Both files go through the same reading and cleaning as `run` (read.iter_documents,
clean.clean_batch), then the same checks as the pipeline: exact (normalised texts equal),
near/partial (word-shingle sets, lexical.classify_overlap), else rewrite or related (sentence
alignment, rewrite/align.py, and the fitted decision, rewrite/decision.py, with the full model as
judge). The alignment is computed for every relation, so the view is always shown.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .clean import clean_batch, normalize_for_match
from .config import Settings
from .lexical import classify_overlap, shingle_set
from .read import iter_documents
from .rewrite import Embedder, rewrite_evidence
from .rewrite.decision import countable_rows
from .rewrite.find import judge_pair
from .rewrite.sentences import split_for_alignment

__all__ = ["CompareError", "compare_files", "compare_texts", "print_comparison"]


class CompareError(Exception):
    """An input that cannot be compared (one-line message for the user)."""


@dataclass
class _Doc:
    path: str
    doc_id: str
    title: str | None
    text: str


def _load(path: str | os.PathLike, settings: Settings) -> _Doc:
    if os.path.isdir(path):
        raise CompareError(f"{path} is a folder; compare takes two files")
    raws = list(iter_documents([path], settings.read.max_document_bytes))
    if not raws:
        raise CompareError(f"{path} holds no document")
    if len(raws) > 1:
        raise CompareError(f"{path} holds {len(raws)} documents; compare takes files with one document each")
    cleaned = clean_batch(raws, settings.clean)
    if cleaned.status[0] != "ok":
        raise CompareError(f"{path}: {cleaned.reason[0]}")
    return _Doc(str(path), cleaned.doc_id[0], cleaned.title[0], cleaned.text[0])


def compare_texts(text_a: str, text_b: str, settings: Settings, embedder: Embedder | None = None) -> dict:
    """Relation, scores, aligned sentences and name variants of two clean texts."""
    exact = normalize_for_match(text_a) == normalize_for_match(text_b)
    lex, rw = settings.lexical, settings.rewrite
    sa, sb = shingle_set(text_a, lex.shingle_words), shingle_set(text_b, lex.shingle_words)
    shared = len(set(sa.tolist()) & set(sb.tolist()))
    lexical, jaccard, containment, ratio = classify_overlap(shared, len(sa), len(sb), lex)
    embedder = embedder or Embedder(rw.model, rw.embed_batch_size)
    sent_a, sent_b = split_for_alignment(text_a), split_for_alignment(text_b)
    rows_a, rows_b = countable_rows(sent_a, rw.min_sentence_words), countable_rows(sent_b, rw.min_sentence_words)
    emb = embedder.embed([sent_a[i] for i in rows_a] + [sent_b[j] for j in rows_b])
    verdict = judge_pair(sent_a, emb[: len(rows_a)], sent_b, emb[len(rows_a) :], rw, "full")
    al = verdict.alignment
    if exact:
        relation = "exact"
    elif lexical is not None:
        relation = lexical
    else:
        relation = verdict.relation or "none"
    evidence = rewrite_evidence(al, rw, ("compare",), verdict=verdict).to_dict()
    return {
        "relation": relation,
        "scores": {
            "jaccard": round(jaccard, 4),
            "containment": round(containment, 4),
            "length_ratio": round(ratio, 4),
            # the same alignment figures as a rewrite pair's evidence in pairs.parquet
            **{k: evidence[k] for k in ("doc_cosine", "coverage_a", "coverage_b", "order", "one_to_one", "strong_pairs")},
            "rewrite_score": verdict.score,
        },
        # the rewrite decision: its features, score and threshold (as in pairs.parquet's evidence)
        "decision": evidence["decision"],
        "rule": {
            "rewrite.min_similarity": rw.min_similarity,
            "rewrite.decision_threshold": rw.decision_threshold,
            "rewrite.min_coverage (related gate)": rw.min_coverage,
            "lexical.near_min_jaccard": lex.near_min_jaccard,
            "lexical.partial_min_containment": lex.partial_min_containment,
        },
        "sentences_a": sent_a,
        "sentences_b": sent_b,
        "aligned": evidence["aligned"],
        "name_variants": evidence["name_variants"],
        "model": rw.model,
    }


def compare_files(path_a, path_b, settings: Settings | None = None) -> dict:
    settings = settings or Settings()
    a, b = _load(path_a, settings), _load(path_b, settings)
    result = compare_texts(a.text, b.text, settings)
    result["a"] = {"path": a.path, "title": a.title, "sentences": len(result["sentences_a"])}
    result["b"] = {"path": b.path, "title": b.title, "sentences": len(result["sentences_b"])}
    return result


def _highlight(sentence: str, names: set[str], dim: bool) -> Text:
    text = Text(sentence, style="dim" if dim else "")
    for name in names:
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", sentence):
            text.stylize("bold black on yellow", m.start(), m.end())
    return text


def _rows(result: dict):
    """(i, j, similarity) display rows: aligned pairs in A's order, unaligned sentences between."""
    n_a, n_b = len(result["sentences_a"]), len(result["sentences_b"])
    aligned = sorted((p["i"], p["j"], p["similarity"]) for p in result["aligned"])
    used_a = {i for i, _, _ in aligned}
    used_b = {j for _, j, _ in aligned}
    shown_b: set[int] = set()
    next_a = next_b = 0
    for i, j, s in aligned:
        while next_a < i:
            if next_a not in used_a:
                yield next_a, None, None
            next_a += 1
        while next_b < j:
            if next_b not in used_b and next_b not in shown_b:
                yield None, next_b, None
                shown_b.add(next_b)
            next_b += 1
        yield i, j, s
        next_a = max(next_a, i + 1)
        next_b = max(next_b, j + 1)
    for i in range(next_a, n_a):
        if i not in used_a:
            yield i, None, None
    for j in range(n_b):
        if j not in used_b and j not in shown_b and j >= next_b:
            yield None, j, None


def print_comparison(result: dict, console: Console | None = None) -> None:
    console = console or Console()
    colour = {"exact": "green", "near": "green", "partial": "cyan", "rewrite": "magenta", "related": "yellow",
              "none": "white"}[result["relation"]]
    console.print(Text.assemble(("relation: ", "bold"), (result["relation"], f"bold {colour}")))
    console.print(f"A: {result['a']['path']}  ({result['a']['sentences']} sentences)", highlight=False)
    console.print(f"B: {result['b']['path']}  ({result['b']['sentences']} sentences)", highlight=False)
    scores = Table(show_header=False, box=None, pad_edge=False)
    scores.add_column(style="bold")
    scores.add_column(justify="right")
    for key, value in result["scores"].items():
        scores.add_row(key, f"{value}")
    console.print(scores)
    d = result["decision"]
    console.print(
        f"rewrite decision: score {d['score']:.3f} (threshold {d['threshold']:.2f}, judge {d['judge']}); features: "
        + ", ".join(f"{k} {v:.3f}" for k, v in d["features"].items()),
        highlight=False,
    )
    if result["name_variants"]:
        console.print(
            "name variants: " + ", ".join(f"{v['a']} ~ {v['b']} ({v['similarity']:.2f})" for v in result["name_variants"]),
            highlight=False,
        )
    names_a = {v["a"] for v in result["name_variants"]}
    names_b = {v["b"] for v in result["name_variants"]}
    view = Table(title="aligned sentences (dim: no counterpart)", expand=True, show_lines=True, title_justify="left")
    view.add_column("i", justify="right", width=3)
    view.add_column("A", ratio=1)
    view.add_column("sim", justify="right", width=5)
    view.add_column("B", ratio=1)
    view.add_column("j", justify="right", width=3)
    sent_a, sent_b = result["sentences_a"], result["sentences_b"]
    for i, j, s in _rows(result):
        view.add_row(
            "" if i is None else str(i),
            Text("") if i is None else _highlight(sent_a[i], names_a, j is None),
            "" if s is None else f"{s:.2f}",
            Text("") if j is None else _highlight(sent_b[j], names_b, i is None),
            "" if j is None else str(j),
        )
    console.print(view)
