"""A verified pair's evidence in words, for people: `samestory compare` and report.html.

pairs.parquet keeps the evidence as structured JSON (records.py); this turns one pair's relation,
scores and evidence into short sentences that name the two sides ("canonical"/"member" in the
report, "A"/"B" in compare) and, when the settings are known, the thresholds that decided it.
Keys this module does not know are still shown, as "key: value", so no evidence is hidden.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["describe_pair", "FOUND_BY_WORDS"]

FOUND_BY_WORDS = {
    "minhash-lsh": "MinHash LSH on the shingle sets",
    "anchors": "shared anchor shingles",
    "rewrite-signature": "rewrite signatures of names and long words",
    "signature": "rewrite signatures of names and long words",
    "translation-signature": "translation signatures of numbers and transliterated names",
}

# Evidence keys the sentences below already cover, or that are shown elsewhere (aligned view).
_EXPLAINED = {
    "normalized_text_equal", "found_by", "shared_shingles", "shingles", "shared_anchors", "length_ratio",
    "doc_cosine", "coverage_a", "coverage_b", "order", "one_to_one", "strong_pairs", "sentences",
    "shared_features", "signature_overlap", "aligned", "name_variants", "decision", "shared_passages",
    "shared_passage_count", "languages", "names", "numbers",
}


def _setting(settings: Mapping[str, Any] | None, section: str, name: str) -> Any:
    if not settings:
        return None
    value = (settings.get(section) or {}).get(name)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _needs(settings, section: str, name: str, sign: str = "≥") -> str:
    value = _setting(settings, section, name)
    return f"; {section}.{name} {sign} {value:g}" if value is not None else ""


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:.3f}"


def describe_pair(
    relation: str | None,
    jaccard: float | None,
    containment: float | None,
    evidence: Mapping[str, Any] | None,
    settings: Mapping[str, Any] | None = None,
    sides: tuple[str, str] = ("A", "B"),
) -> list[str]:
    """Sentences saying why the pair holds. `evidence` is in `sides` order (flip it first when
    the pair was stored the other way round); `settings` is Settings.to_dict() or run.json's."""
    ev = dict(evidence or {})
    lines: list[str] = []
    if relation == "exact" or ev.get("normalized_text_equal"):
        lines.append("Same text: the two texts are equal once case, punctuation and spacing are normalised.")
    shingles = ev.get("shingles")
    if relation in ("near", "partial") and isinstance(shingles, list) and len(shingles) == 2:
        lines.append(_lexical_sentence(relation, ev, shingles, jaccard, containment, settings, sides))
    elif relation in ("near", "partial"):
        if jaccard is not None:
            lines.append(f"Jaccard of the shingle sets {jaccard:.3f}{_needs(settings, 'lexical', 'near_min_jaccard')}.")
        if containment is not None:
            lines.append(f"Containment of the shorter text {containment:.3f}.")
    if relation == "translation" or "languages" in ev:
        lines.append(_translation_sentence(ev, sides))
    if "coverage_a" in ev or "doc_cosine" in ev:
        lines.append(_rewrite_sentence(ev, settings, sides, "translation" if "languages" in ev else "rewrite"))
    if isinstance(ev.get("decision"), Mapping):
        lines.append(_decision_sentence(ev["decision"], "Translation" if "languages" in ev else "Rewrite"))
    if ev.get("shared_passage_count"):
        shown = ev.get("shared_passages") or []
        first = f': "{shown[0][:120]}"' + (" …" if len(shown) > 1 else "") if shown else ""
        lines.append(f"Shared verbatim: {ev['shared_passage_count']:,} passages (quotes, list lines or copied "
                     f"sentences){first}.")
    if relation not in ("exact", "near", "partial") and (jaccard is not None or containment is not None):
        lines.append(
            f"Word overlap: Jaccard {jaccard or 0:.3f}, containment {containment or 0:.3f} of the shorter text "
            "(too little for a near copy or an excerpt: the wording differs)."
        )
    found = [FOUND_BY_WORDS.get(str(f), str(f)) for f in ev.get("found_by") or [] if f != "compare"]
    if found:
        extra = []
        if ev.get("shared_anchors"):
            extra.append(f"{ev['shared_anchors']:,} anchors shared")
        if "shared_features" in ev:
            overlap = ev.get("signature_overlap")
            share = f", {_pct(overlap)} of the smaller document's" if isinstance(overlap, (int, float)) else ""
            extra.append(f"{ev['shared_features']:,} signature features shared{share}")
        lines.append("Found by " + " and ".join(found) + (f" ({'; '.join(extra)})" if extra else "") + ".")
    for key in sorted(k for k in ev if k not in _EXPLAINED):
        value = ev[key]
        if isinstance(value, Mapping):
            value = ", ".join(f"{k} {_number(v)}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(_number(v) for v in value)
        lines.append(f"{key.replace('_', ' ')}: {_number(value)}")
    return lines


def _lexical_sentence(relation, ev, shingles, jaccard, containment, settings, sides) -> str:
    a, b = sides
    n_a, n_b = int(shingles[0]), int(shingles[1])
    shared = int(ev.get("shared_shingles") or 0)
    k = _setting(settings, "lexical", "shingle_words")
    unit = f"{k}-word shingles" if k else "word shingles"
    if relation == "near":
        union = n_a + n_b - shared
        j = jaccard if jaccard is not None else (shared / union if union else 0.0)
        return (f"Near copy: {shared:,} of the {union:,} distinct {unit} of the two texts are shared "
                f"(Jaccard {j:.3f}{_needs(settings, 'lexical', 'near_min_jaccard')}).")
    shorter, longer = (a, b) if n_a <= n_b else (b, a)
    small, large = sorted((n_a, n_b))
    c = containment if containment is not None else (shared / small if small else 0.0)
    ratio = ev.get("length_ratio", small / large if large else 0.0)
    return (f"Excerpt: {_pct(c)} of the {small:,} {unit} of the shorter text ({shorter}) are in the longer "
            f"({longer}, {large:,}) (containment {c:.3f}{_needs(settings, 'lexical', 'partial_min_containment')}); "
            f"the shorter has {_pct(ratio)} of the longer's shingles"
            f"{_needs(settings, 'lexical', 'partial_max_length_ratio', '≤')}.")


def _translation_sentence(ev, sides) -> str:
    """The languages, and the names and numbers found on both sides of aligned sentences."""
    a, b = sides
    langs = ev.get("languages") or [None, None]
    la, lb = (str(x) if x else "unknown" for x in (list(langs) + [None, None])[:2])
    parts = [f"Translation: {a} is in {la}, {b} in {lb}"]
    names = [n for n in ev.get("names") or [] if isinstance(n, Mapping)]
    if names:
        shown = ", ".join(f"{n.get('a')} ~ {n.get('b')}" if n.get("a") != n.get("b") else str(n.get("a"))
                          for n in names[:8])
        parts.append(f"names on both sides of aligned sentences: {shown}" + (f" (+{len(names) - 8})" if len(names) > 8 else ""))
    numbers = ev.get("numbers") or []
    if numbers:
        parts.append("numbers on both sides: " + ", ".join(map(str, numbers[:10])) + (" …" if len(numbers) > 10 else ""))
    return "; ".join(parts) + "."


def _rewrite_sentence(ev, settings, sides, section: str = "rewrite") -> str:
    a, b = sides
    sentences = ev.get("sentences")
    n_a, n_b = (sentences if isinstance(sentences, list) and len(sentences) == 2 else (None, None))
    of_a = f" of {a}'s {n_a:,} sentences" if n_a is not None else f" of {a}'s sentences"
    of_b = f" of {b}'s {n_b:,}" if n_b is not None else f" of {b}'s"
    cosine = _setting(settings, section, "min_similarity")
    at = f" at cosine ≥ {cosine:g}" if cosine is not None else ""
    parts = [f"Sentence alignment: {_pct(ev.get('coverage_a') or 0)}{of_a} and {_pct(ev.get('coverage_b') or 0)}{of_b} "
             f"have a counterpart{at}"]
    if "one_to_one" in ev:
        strong = f", {ev['strong_pairs']:,} of them strong" if "strong_pairs" in ev else ""
        parts.append(f"{ev['one_to_one']:,} one-to-one sentence pairs{strong}")
    if "order" in ev:
        parts.append(f"{_pct(ev['order'])} of them in the same order")
    if "doc_cosine" in ev:
        parts.append(f"whole-text cosine {ev['doc_cosine']:.3f}")
    return "; ".join(parts) + "."


def _decision_sentence(decision: Mapping[str, Any], what: str = "Rewrite") -> str:
    """The rewrite or translation decision (rewrite/decision.py, translation/decision.py): score
    against threshold, who judged, features."""
    score, threshold = decision.get("score"), decision.get("threshold")
    judge = {"full": "the sentence model", "static": "the static screening model (sure enough alone)",
             "e5": "the multilingual sentence model (multilingual-e5-small)"}.get(
        str(decision.get("judge")), str(decision.get("judge")))
    verdict = "≥" if isinstance(score, (int, float)) and isinstance(threshold, (int, float)) and score >= threshold else "<"
    features = decision.get("features") or {}
    shown = ", ".join(f"{k.replace('_', ' ')} {_number(v)}" for k, v in features.items() if v)
    out = (f"{what} decision: score {_number(score)} {verdict} threshold {_number(threshold)}, judged by {judge}"
           + (f" (features: {shown})." if shown else "."))
    floor = decision.get("floor")
    if isinstance(floor, Mapping):
        held = "passed" if floor.get("passed") else "NOT passed: no score makes it a rewrite"
        out += (f" Structural floor {held}: {floor.get('prose_aligned')} of the shorter text's "
                f"{floor.get('prose_sentences')} prose sentences aligned, {_pct(floor.get('order') or 0)} in order.")
    if decision.get("failed") == "floor":
        out += " Not a rewrite: below the floor."
    elif decision.get("failed") == "score":
        out += " Not a rewrite: the score is below the threshold."
    return out
