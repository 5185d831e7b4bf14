"""The rewrite tier: candidates, alignment, name variants, pipeline integration, precision."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from samestory.rewrite import signature, signature_batch
from samestory.rewrite.candidates import rewrite_candidates
from samestory.compare import compare_texts
from samestory.config import Settings
from samestory.rewrite import Embedder
from samestory.rewrite.sentences import split_for_alignment
from samestory.pipeline import run
from samestory.rewrite.align import longest_increasing_run
from samestory.rewrite.names import name_variants, proper_names

from .rewrite_texts import (
    BOILERPLATE_BOTTOM, BOILERPLATE_TOP, COUNCIL_A, COUNCIL_B, INDEPENDENT_MILL, ORIGINAL, PARAPHRASE,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"
SOURCE, REWRITE = "seeds/001_c17297793d428058.txt", "seeds/000_7d1592cc4d73a734.txt"
QUIET = Settings().replace(run={"workers": 1, "progress": False})


def _candidates(texts, settings):
    """Rewrite candidates among all `texts` (signatures computed here, as the workers do)."""
    sig = signature_batch(texts, settings.rewrite)
    return rewrite_candidates(sig.feature_hash, sig.row, np.ones(len(texts), dtype=bool), settings.rewrite)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()  # the model itself is loaded once per process (embed.load_model)


@pytest.fixture(scope="session")
def examples_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("examples-out")
    return run(ROOT / "examples", out=out, settings=QUIET)


def _sentences(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# --- the seeds and the examples -------------------------------------------------------

def test_seeds_are_grouped_as_rewrite_with_name_variants(examples_run):
    pairs = [p for p in examples_run.pairs.to_pylist() if p["relation"] == "rewrite"]
    assert [(p["doc_a"], p["doc_b"]) for p in pairs] == [(REWRITE, SOURCE)]
    pair = pairs[0]
    evidence = json.loads(pair["evidence"])
    for key in ("found_by", "doc_cosine", "coverage_a", "coverage_b", "aligned", "name_variants"):
        assert key in evidence
    assert pair["doc_cosine"] == evidence["doc_cosine"] > 0.85
    assert pair["coverage_b"] == evidence["coverage_b"] >= 0.9  # 001 (the shorter) is almost fully aligned
    assert pair["coverage_a"] == evidence["coverage_a"]
    first = evidence["aligned"][0]
    assert set(first) == {"i", "j", "a", "b", "similarity"}
    variants = {(v["a"], v["b"]) for v in evidence["name_variants"]}  # a = 000 (rewrite), b = 001
    assert {("Hvittendal", "Hvistendahl"), ("Khvitendal", "Hvistendahl"), ("Werner", "Woerner"), ("Yulonga", "Yulong")} <= variants
    docs = {d["doc_id"]: d for d in examples_run.documents.to_pylist()}
    assert docs[SOURCE]["cluster_id"] == docs[REWRITE]["cluster_id"]


def test_aligned_indexes_point_at_the_documents_sentences(examples_run):
    docs = {d["doc_id"]: d for d in examples_run.documents.to_pylist()}
    pair = next(p for p in examples_run.pairs.to_pylist() if p["relation"] == "rewrite")
    sa, sb = split_for_alignment(docs[pair["doc_a"]]["text"]), split_for_alignment(docs[pair["doc_b"]]["text"])
    for item in json.loads(pair["evidence"])["aligned"]:
        assert sa[item["i"]] == item["a"] and sb[item["j"]] == item["b"]


def test_same_event_articles_in_examples_stay_apart(examples_run):
    docs = {d["doc_id"]: d for d in examples_run.documents.to_pylist()}
    lune, bridge = docs["crawl/dailyledger/lune-crossing-commuters.html"], docs["crawl/harbourcourier/bridge.html"]
    assert lune["cluster_id"] != bridge["cluster_id"]
    relations = [p["relation"] for p in examples_run.pairs.to_pylist()]
    assert relations.count("rewrite") == 1
    # lexical pairs carry null rewrite columns
    for p in examples_run.pairs.to_pylist():
        if p["relation"] != "rewrite":
            assert p["doc_cosine"] is None and p["coverage_a"] is None


def test_same_event_pair_is_a_candidate_so_verification_does_the_work(examples_run):
    docs = examples_run.documents.to_pylist()
    texts = [d["text"] for d in docs]
    ids = [d["doc_id"] for d in docs]
    pairs, _, _ = _candidates(texts, QUIET)
    found = {(ids[a], ids[b]) for a, b in pairs.tolist()}
    assert ("crawl/dailyledger/lune-crossing-commuters.html", "crawl/harbourcourier/bridge.html") in found
    assert (REWRITE, SOURCE) in found


def test_no_rewrites_setting_turns_the_tier_off(tmp_path):
    result = run(SEEDS, out=tmp_path / "out", settings=QUIET.replace(rewrite={"enabled": False}))
    assert result.pairs.num_rows == 0
    assert "rewrites" not in result.timings


def test_model_is_not_loaded_without_candidates(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(COUNCIL_A, encoding="utf-8")
    # a model that cannot exist: loading it would fail, so the run proves it was never loaded
    result = run(tmp_path / "in", settings=QUIET.replace(rewrite={"model": str(tmp_path / "no-such-model")}))
    assert result.summary["duplicates"] == 0


def test_runs_are_byte_identical(tmp_path):
    run(SEEDS, out=tmp_path / "one", settings=QUIET)
    run(SEEDS, out=tmp_path / "two", settings=QUIET)
    for name in ("pairs.parquet", "documents.parquet"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    records = [json.loads((tmp_path / side / "run.json").read_text()) for side in ("one", "two")]
    for record in records:
        del record["timings"]  # the one field that varies between identical runs
    assert records[0] == records[1]


# --- hand-written rewrites that must be caught ----------------------------------------

def test_paraphrase_is_a_rewrite_with_name_variants(embedder):
    result = compare_texts(ORIGINAL, PARAPHRASE, QUIET, embedder)
    assert result["relation"] == "rewrite"
    assert result["scores"]["jaccard"] < 0.05  # invisible to the lexical tiers
    variants = {(v["a"], v["b"]) for v in result["name_variants"]}
    assert ("Sørensen", "Sorensen") in variants


def test_reordered_paraphrase_is_a_rewrite(embedder):
    s = _sentences(PARAPHRASE)
    moved = "\n".join(s[6:] + s[:6])  # last three paragraphs moved to the top
    result = compare_texts(ORIGINAL, moved, QUIET, embedder)
    assert result["relation"] == "rewrite"
    assert result["scores"]["order"] < 1.0


def test_shortened_paraphrase_is_a_rewrite(embedder):
    s = _sentences(PARAPHRASE)
    shortened = "\n".join(s[:2] + s[4:7])  # two sentences dropped, and the tail
    result = compare_texts(ORIGINAL, shortened, QUIET, embedder)
    assert result["relation"] == "rewrite"
    assert result["scores"]["coverage_b"] >= 0.6 > result["scores"]["coverage_a"]


def test_paraphrase_inside_boilerplate_is_found_by_the_pipeline(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "original.txt").write_text(ORIGINAL, encoding="utf-8")
    (folder / "copy.txt").write_text(BOILERPLATE_TOP + PARAPHRASE + BOILERPLATE_BOTTOM, encoding="utf-8")
    (folder / "other.txt").write_text(INDEPENDENT_MILL, encoding="utf-8")
    result = run(folder, settings=QUIET)
    pairs = [(p["doc_a"], p["doc_b"], p["relation"]) for p in result.pairs.to_pylist()]
    assert pairs == [("copy.txt", "original.txt", "rewrite")]


# --- independent articles about the same event must stay apart ------------------------

@pytest.mark.parametrize(
    "a, b",
    [(ORIGINAL, INDEPENDENT_MILL), (PARAPHRASE, INDEPENDENT_MILL), (COUNCIL_A, COUNCIL_B)],
    ids=["mill-original", "mill-paraphrase", "council"],
)
def test_same_event_articles_are_not_rewrites(embedder, a, b):
    result = compare_texts(a, b, QUIET, embedder)
    assert result["relation"] == "none"
    assert result["scores"]["coverage_a"] < 0.6 and result["scores"]["coverage_b"] < 0.6


def test_same_event_pair_shares_the_signature(embedder):
    # the precision test above is meaningful: the candidate step does pair them
    texts = [COUNCIL_A, COUNCIL_B]
    pairs, shared, overlap = _candidates(texts, QUIET)
    assert pairs.tolist() == [[0, 1]]


# --- parts ------------------------------------------------------------------------------

def test_signature_char_grams_survive_name_mangling():
    a = set(signature("Officials met Mr Hvistendahl on Monday.", QUIET.rewrite))
    b = set(signature("Officials met Mr Hvittendal on Monday.", QUIET.rewrite))
    assert {"n:^hvi", "n:tend", "n:enda"} <= a & b
    assert "n:^off" not in a  # sentence-initial capitals are not names


def test_candidates_stay_bounded_when_everyone_shares_the_topic():
    names = " ".join(f"Name{k}x" for k in range(30))
    texts = [f"Today {names} met again about item {i} and {i + 1000} matters." for i in range(400)]
    settings = QUIET.replace(rewrite={"max_feature_df": 1000})
    pairs, _, _ = _candidates(texts, settings)
    # 400 documents sharing 30 names: all pairs would be 79,800; star pairs keep it linear
    assert 0 < len(pairs) < 2 * len(texts)


def test_name_variants_ignore_inflections_and_acronyms():
    pairs = [("China and Europe talked, said ESA.", "Chinese and European officials talked, said CNSA.")]
    assert name_variants(pairs, 0.8) == []
    found = name_variants([("Mr Woerner spoke.", "Mr Werner spoke.")], 0.8)
    assert found == [{"a": "Woerner", "b": "Werner", "similarity": 1.0}]


def test_proper_names_skip_common_sentence_openers():
    assert proper_names("The talks were confirmed by Pal Hvistendahl in Paris.") == ["Pal", "Hvistendahl", "Paris"]


def test_longest_increasing_run():
    assert longest_increasing_run([]) == 0
    assert longest_increasing_run([0, 1, 2, 3]) == 4
    assert longest_increasing_run([4, 5, 6, 0, 1, 2, 3]) == 4
