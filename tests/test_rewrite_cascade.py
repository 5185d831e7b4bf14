"""The rewrite cascade: decisions and the `related` relation, evidence, settings, worker-count
independence (the last one runs the pipeline with the models)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from samestory.config import RewriteSettings, Settings
from samestory.output.report import build_report_data
from samestory.pipeline import run
from samestory.records import GROUPING_RELATIONS, Pairs
from samestory.rewrite import decision
from samestory.rewrite.find import static_screen_state, judge_pair, rewrite_evidence

from .rewrite_texts import COUNCIL_A, COUNCIL_B, INDEPENDENT_MILL, ORIGINAL, PARAPHRASE

ROOT = Path(__file__).resolve().parents[1]
RW = RewriteSettings()
SENTS = [f"Sentence number {k} of the story says something particular about event {k}." for k in range(6)]


def _rotated(cosine: float, n: int, dim: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """n orthogonal unit vectors and n others each at `cosine` to its counterpart only."""
    a = np.eye(dim, dtype=np.float32)[:n]
    b = cosine * a + np.sqrt(1 - cosine**2) * np.eye(dim, dtype=np.float32)[n : 2 * n]
    return a, b.astype(np.float32)


def test_well_aligned_pair_is_a_rewrite_and_loosely_aligned_one_is_related():
    va, vb = _rotated(0.95, 6)
    good = judge_pair(SENTS, va, list(reversed(SENTS[::-1])), vb, RW, "full")
    assert good.relation == "rewrite" and good.score >= RW.decision_threshold
    # every sentence aligns (old rule: coverage 1.0) but only at cosine 0.71, each adding a
    # clause: MRPC's non-equivalent pairs look like this, so the decision refuses and the pair
    # is "related"
    va, vb = _rotated(0.71, 6)
    loose = judge_pair(SENTS, va, [s.replace(".", ", and officials would not say more about it on Tuesday.")
                                   for s in SENTS], vb, RW, "full")
    assert loose.alignment.is_rewrite
    assert loose.relation == "related" and loose.score < RW.decision_threshold


def test_unaligned_pair_is_nothing_and_static_judge_uses_its_own_cut():
    va, vb = _rotated(0.3, 6)
    verdict = judge_pair(SENTS, va, SENTS[:1] + [s + " Indeed." for s in SENTS[1:]], vb, RW, "full")
    assert verdict.relation is None
    va, vb = _rotated(0.99, 6)
    static = judge_pair(SENTS, va, [s.replace("says", "tells") for s in SENTS], vb, RW, "static")
    assert static.judge == "static" and static.threshold == RW.static_accept
    assert static.relation == ("rewrite" if static.score >= RW.static_accept else None)


def test_evidence_carries_features_score_and_threshold():
    va, vb = _rotated(0.9, 6)
    verdict = judge_pair(SENTS, va, [s.replace("says", "tells") for s in SENTS], vb, RW, "full")
    evidence = rewrite_evidence(verdict.alignment, RW, ("rewrite-signature",), verdict=verdict).to_dict()
    assert evidence["decision"]["score"] == verdict.score
    assert evidence["decision"]["threshold"] == RW.decision_threshold
    assert set(evidence["decision"]["features"]) == set(decision.FEATURES)
    json.dumps(evidence)  # written as JSON at the edge


def test_settings_defaults_are_the_fitted_operating_point():
    assert RW.decision_threshold == decision.THRESHOLD
    assert (RW.static_reject, RW.static_accept) == (decision.STATIC_REJECT, decision.STATIC_ACCEPT)
    assert all(v >= 0 for k, v in decision.COEFFICIENTS.items() if k != "intercept")  # no feature vetoes


def test_missing_static_model_turns_the_screen_off_with_one_line(tmp_path, capsys):
    state = static_screen_state(RewriteSettings(static_model=str(tmp_path / "none")))
    assert state.startswith("off (") and "\n" not in state
    assert "static_model build" in capsys.readouterr().err
    assert static_screen_state(RewriteSettings(static_screen=False)) == "off (settings)"


def test_related_pairs_are_not_grouping_relations():
    pairs = Pairs()
    pairs.add(0, 1, "rewrite", 0.9, None, None, None)
    pairs.add(1, 2, "related", 0.3, None, None, None)
    kept = pairs.with_relations(GROUPING_RELATIONS)
    assert kept.relation == ["rewrite"] and (kept.a, kept.b) == ([0], [1])


def test_report_lists_related_documents_per_group():
    import pyarrow as pa

    documents = pa.table({
        "doc_id": ["a", "b", "c"], "status": ["ok"] * 3, "text": ["One. Two.", "One. Two!", "Other."],
        "title": ["A", "B", "C"], "cluster_id": ["a", "a", "c"], "is_canonical": [True, False, True],
        "relation": [None, "rewrite", None],
    })
    pairs = pa.table({"doc_a": ["a", "b"], "doc_b": ["b", "c"], "relation": ["rewrite", "related"],
                      "score": [0.9, 0.31], "evidence": ["{}", "{}"]})
    data = build_report_data(documents, pairs, {})
    (group,) = data["groups"]
    assert group["related"] == [{"member": "b", "doc": "c", "title": "C", "url": None, "score": 0.31}]


def test_results_do_not_depend_on_the_number_of_workers(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in {"original.txt": ORIGINAL, "paraphrase.txt": PARAPHRASE, "mill.txt": INDEPENDENT_MILL,
                       "council_a.txt": COUNCIL_A, "council_b.txt": COUNCIL_B}.items():
        (folder / name).write_text(text, encoding="utf-8")
    for seed in (ROOT / "examples" / "seeds").glob("*.txt"):
        (folder / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        run(folder, out=out, settings=Settings().replace(run={"workers": workers, "progress": False}))
        outs.append(out)
    for name in ("pairs.parquet", "documents.parquet"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    pairs = [p for p in run(folder, settings=Settings().replace(run={"workers": 1, "progress": False})).pairs.to_pylist()
             if p["relation"] == "rewrite"]
    assert {(p["doc_a"], p["doc_b"]) for p in pairs} >= {("original.txt", "paraphrase.txt")}


def _short_revision() -> str:
    lines = ORIGINAL.splitlines()[:6]
    lines[1] = "Firefighters from three stations battled the blaze for over six hours before they brought it under control early on Wednesday."
    lines[4] = "\"We are very grateful to the fire crews, who kept the flames from reaching the main production line,\" Sørensen said."
    del lines[5]
    return "\n".join(lines)


@pytest.mark.e2e  # loads the sentence model
def test_short_texts_light_revision_is_caught_independent_text_is_not():
    from samestory.rewrite import Embedder
    from samestory.rewrite.sentences import split_for_alignment

    embedder = Embedder()

    def verdict(x: str, y: str):
        sa, sb = split_for_alignment(x), split_for_alignment(y)
        ra, rb = decision.countable_rows(sa, RW.min_sentence_words), decision.countable_rows(sb, RW.min_sentence_words)
        return judge_pair(sa, embedder.embed([sa[i] for i in ra]), sb, embedder.embed([sb[j] for j in rb]), RW, "full")

    short = "\n".join(ORIGINAL.splitlines()[:6])
    assert verdict(short, _short_revision()).relation == "rewrite"
    assert verdict(short, "\n".join(INDEPENDENT_MILL.splitlines()[:6])).relation is None


def test_full_model_embeds_only_what_the_alignment_of_an_excerpt_can_reach():
    from samestory.rewrite.find import sentences_to_judge

    long = np.eye(40, dtype=np.float32)
    short = long[[10, 30]] * 0.9 + long[[11, 31]] * np.sqrt(1 - 0.81)  # near rows 10 and 30 (and 11, 31)
    rw = Settings().replace(rewrite={"judge_top_k": 2, "gap_max_sentences": 2}).rewrite
    need_short, need_long = sentences_to_judge(short, long, rw)
    assert need_short is None  # the shorter side is always embedded whole
    assert need_long.tolist() == [9, 10, 11, 12, 29, 30, 31, 32]  # the 2 nearest each, and their neighbours
    # documents of similar length, or the setting at 0: everything
    assert sentences_to_judge(long[:25], long, rw) == (None, None)
    off = Settings().replace(rewrite={"judge_top_k": 0}).rewrite
    assert sentences_to_judge(short, long, off) == (None, None)


def test_a_pair_reads_only_its_own_sentences_whatever_else_was_embedded_for_the_document():
    from samestory.rewrite.find import PairChunk, judge_chunk

    va, vb = _rotated(0.95, 6)
    sents_b = [s.replace("says", "tells") for s in SENTS]
    job = PairChunk(np.arange(2), np.array([[0, 1], [0, 1]]), {0: SENTS, 1: sents_b}, {0: va, 1: vb},
                    [(None, None), (None, np.array([0, 1]))])
    whole, masked = judge_chunk(job, RW)
    assert whole.relation == "rewrite"
    assert [(i, j) for i, j, _ in masked.alignment.aligned] == [(0, 0), (1, 1)]  # rows 2-5 of b not read


def test_sentences_are_batched_by_their_real_token_count():
    from samestory.rewrite.find import _token_order

    short_late = "Zebras graze."
    long_early = "A " + "very " * 40 + "long sentence about aardvarks and their burrows in the savannah."
    # the packaged tokenizer pads every sentence to 128 tokens: sorted by that, text order would win
    assert _token_order([long_early, short_late], RW.model) == [short_late, long_early]



@pytest.mark.e2e  # loads the sentence model
def test_kept_sentence_vectors_are_reused_instead_of_embedded_again(tmp_path):
    """A run keeps the full-model vectors it computed (_work/vectors/); a run given them (a
    reference run's cache) embeds none of those sentences again and decides the same."""
    import numpy as np

    import samestory
    from samestory import Settings
    from samestory.lexical import fingerprint_batch
    from samestory.records import Pairs
    from samestory.rewrite import signature_batch
    from samestory.rewrite.find import find_rewrites
    from samestory.rewrite.vector_cache import VectorCache, vector_model_key
    from samestory.plan.folder import write_atomically
    from samestory.plan.parts import InMemoryTexts

    from .conftest import EXAMPLES

    settings = Settings().replace(run={"workers": 1, "progress": False}, report={"enabled": False})
    first = samestory.run(EXAMPLES / "seeds", out=tmp_path / "a", settings=settings)
    assert first.rewrite_stats["sentences_embedded"] > 0
    kept_by_run = VectorCache.read(tmp_path / "a" / "_work" / "vectors", vector_model_key(settings.rewrite))
    assert kept_by_run is not None and len(kept_by_run.hi) == first.rewrite_stats["sentences_embedded"]

    texts = first.documents.column("text").to_pylist()
    store = InMemoryTexts(texts)
    sig = signature_batch(texts, settings.rewrite)
    n_words = fingerprint_batch(texts, settings.lexical).n_words
    kept: dict = {}
    found, stats = find_rewrites(store, sig, n_words, np.arange(len(texts)), Pairs(), settings.rewrite, kept_vectors=kept)
    VectorCache.write(tmp_path / "cache", kept, vector_model_key(settings.rewrite), write_atomically)
    cache = VectorCache.read(tmp_path / "cache", vector_model_key(settings.rewrite))
    again, cached = find_rewrites(store, sig, n_words, np.arange(len(texts)), Pairs(), settings.rewrite,
                                  vector_caches=[cache])
    assert stats.sentences_embedded == len(kept) > 0
    assert (cached.sentences_embedded, cached.sentences_cached) == (0, len(kept))
    assert (again.a, again.b, again.relation, again.score) == (found.a, found.b, found.relation, found.score)
    assert "rewrite" in found.relation
    assert VectorCache.read(tmp_path / "cache", "another model") is None
