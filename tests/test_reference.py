"""--reference: new documents matched against earlier runs' fingerprints, not their pages."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

import samestory
from benchmarks.incremental import components_of
from benchmarks.synthetic import generate, write_jsonl
from samestory import Settings
from samestory.plan.references import ReferenceError

from .conftest import EXAMPLES

LEXICAL = Settings().replace(run={"workers": 1, "progress": False}, rewrite={"enabled": False}, report={"enabled": False})


def _pairs(tables) -> set[tuple]:
    return {(r["doc_a"], r["doc_b"], r["relation"], r["score"]) for t in tables for r in t.select(
        ["doc_a", "doc_b", "relation", "score"]).to_pylist()}


@pytest.fixture(scope="module")
def three_days(tmp_path_factory):
    root = tmp_path_factory.mktemp("days")
    records, _ = generate(450, seed=5, words_per_doc=200)
    for d in range(3):
        write_jsonl(records[d * 150:(d + 1) * 150], root / "in" / f"day{d + 1}.jsonl")
    outs, results = [], []
    for d in range(3):
        out = root / f"out{d + 1}"
        results.append(samestory.run(root / "in" / f"day{d + 1}.jsonl", out=out, settings=LEXICAL, references=outs))
        outs.append(out)
        if d == 0:
            shutil.move(root / "in" / "day1.jsonl", root / "day1.jsonl")  # later days never read day 1's pages
    shutil.move(root / "day1.jsonl", root / "in" / "day1.jsonl")
    whole = samestory.run(root / "in", settings=LEXICAL)
    return results, whole, outs


@pytest.mark.e2e  # the fixture runs the pipeline
def test_daily_runs_find_the_pairs_and_groups_of_one_run(three_days):
    results, whole, _ = three_days
    assert _pairs(r.pairs for r in results) == _pairs([whole.pairs])
    assert components_of(r.pairs for r in results) == components_of([whole.pairs])
    crossing = [p for p in results[2].pairs.to_pylist() if p["reference_a"] is not None]
    assert crossing and all(p["doc_a"].startswith(("day1", "day2")) for p in crossing)


@pytest.mark.e2e
def test_outputs_list_new_documents_with_clusters_pointing_into_references(three_days):
    results, _, outs = three_days
    import json

    run_ids = [json.loads((o / "_work" / "plan.json").read_text())["run_id"] for o in outs]
    day3 = results[2].documents.to_pylist()
    assert len(day3) == 150 and all(d["doc_id"].startswith("day3") for d in day3)
    into_reference = [d for d in day3 if d["cluster_reference"] is not None]
    assert into_reference
    for d in into_reference:
        # the canonical is a document of the earlier run named, and stays canonical there
        day = run_ids.index(d["cluster_reference"]) + 1
        assert d["cluster_id"].startswith(f"day{day}") and not d["is_canonical"] and d["relation"]
        holder = {r["doc_id"]: r for r in results[day - 1].documents.to_pylist()}
        if d["cluster_id"] in holder:
            assert holder[d["cluster_id"]]["is_canonical"]
    assert all(d["cluster_id"].startswith("day3") for d in day3 if d["cluster_reference"] is None and d["status"] == "ok")


def test_a_reference_must_be_a_finished_run_with_the_same_fingerprint_settings(three_days, tmp_path):
    _, _, outs = three_days
    new = EXAMPLES / "seeds"
    with pytest.raises(ReferenceError, match="lexical.*cannot be compared"):
        samestory.run(new, settings=LEXICAL.replace(lexical={"num_perm": 64, "lsh_bands": 16, "lsh_rows": 4}),
                      references=[outs[0]])
    with pytest.raises(ReferenceError, match="not the folder of a finished samestory run"):
        samestory.run(new, settings=LEXICAL, references=[tmp_path])
    with pytest.raises(ReferenceError, match="same run"):
        samestory.run(new, settings=LEXICAL, references=[outs[0], outs[0]])
    cli = subprocess.run([sys.executable, "-m", "samestory.cli", "run", str(new), "--out", str(tmp_path / "o"),
                          "--reference", str(tmp_path), "--no-rewrites"], capture_output=True, text=True)
    assert cli.returncode == 2 and "not the folder" in cli.stderr and "Traceback" not in cli.stderr
    with pytest.raises(ReferenceError, match="--out folder of this run"):
        samestory.run(new, out=outs[0], settings=LEXICAL, references=[outs[0]], overwrite=True)
    assert (outs[0] / "run.json").is_file()  # refused before anything was removed


@pytest.mark.e2e
def test_a_damaged_key_index_is_built_again(three_days, tmp_path):
    results, _, outs = three_days
    copies = []
    for k, out in enumerate(outs[:2]):
        copy = tmp_path / f"ref{k}"
        shutil.copytree(out, copy)
        copies.append(copy)
    (copies[0] / "_work" / "keys" / "bands.keys.npy").write_bytes(b"not an array")
    day3 = outs[2].parent / "in" / "day3.jsonl"
    again = samestory.run(day3, out=tmp_path / "again", settings=LEXICAL, references=copies)
    assert again.pairs.equals(results[2].pairs)
    assert (copies[0] / "_work" / "keys" / "bands.keys.npy").read_bytes() == (outs[0] / "_work" / "keys" / "bands.keys.npy").read_bytes()


def test_rewrites_of_reference_documents_are_found(tmp_path):
    # the crawl is the earlier run; the seeds (a story and its rewrite) arrive later, one of
    # them a copy of a crawl page
    settings = Settings().replace(run={"workers": 1, "progress": False})
    ref = tmp_path / "crawl"
    samestory.run(EXAMPLES / "crawl", out=ref, settings=settings)
    later = samestory.run(EXAMPLES / "seeds", settings=settings, references=[ref])
    whole = samestory.run(EXAMPLES, settings=settings)
    expected = {(a, b, rel) for a, b, rel in zip(whole.pairs.column("doc_a").to_pylist(), whole.pairs.column("doc_b").to_pylist(),
                                                 whole.pairs.column("relation").to_pylist())
                if a.startswith("seeds/") or b.startswith("seeds/")}
    strip = lambda x, run: ("crawl/" if run else "seeds/") + x  # noqa: E731
    found = {tuple(sorted((strip(a, ra), strip(b, rb)))) + (rel,) for a, b, ra, rb, rel in zip(
        *(later.pairs.column(c).to_pylist() for c in ("doc_a", "doc_b", "reference_a", "reference_b", "relation")))}
    assert {(a, b, r) for a, b, r in expected} == {(min(a, b), max(a, b), r) for a, b, r in found}
    assert "rewrite" in {r for _, _, r in found}


@pytest.mark.e2e
def test_a_reference_gets_its_key_index_on_first_use_and_works_where_it_cannot_be_written(three_days, tmp_path,
                                                                                         monkeypatch):
    from samestory.plan import references

    results, _, outs = three_days
    day3 = outs[2].parent / "in" / "day3.jsonl"
    copies = []
    for k, out in enumerate(outs[:2]):
        copy = tmp_path / f"ref{k}"
        shutil.copytree(out, copy)
        shutil.rmtree(copy / "_work" / "keys")
        copies.append(copy)

    real = references.build_index

    def refuse(folder, kind, keys, rows, write_atomically=None):
        if "refkeys" not in str(folder):
            raise PermissionError(13, "Permission denied", str(folder))
        return real(folder, kind, keys, rows, write_atomically)

    with monkeypatch.context() as patch:  # a read-only reference folder: built in this run's folder, not kept
        patch.setattr(references, "build_index", refuse)
        again = samestory.run(day3, out=tmp_path / "a", settings=LEXICAL, references=copies)
    assert again.pairs.equals(results[2].pairs)
    assert not any((c / "_work" / "keys").exists() for c in copies)
    again = samestory.run(day3, out=tmp_path / "b", settings=LEXICAL, references=copies)  # first use: kept
    assert again.pairs.equals(results[2].pairs)
    for copy, out in zip(copies, outs):
        for f in (out / "_work" / "keys").iterdir():
            assert (copy / "_work" / "keys" / f.name).read_bytes() == f.read_bytes()


@pytest.mark.e2e
def test_reference_canonical_setting_keeps_the_reference_or_lets_the_rule_choose(tmp_path):
    """The earlier run holds an excerpt; today's crawl brings the whole article. By default the
    excerpt, canonical in its run, stays the canonical; with reference_canonical = "rule" the
    original rule chooses, and an excerpt is never its group's original."""
    import json

    records, _ = generate(3, seed=11, words_per_doc=400)
    article = records[0]["text"]
    words = article.split()
    excerpt = " ".join(words[:len(words) // 2])
    write_jsonl([{"id": "excerpt", "text": excerpt}, {"id": "other", "text": records[1]["text"]}],
                tmp_path / "day1.jsonl")
    write_jsonl([{"id": "full", "text": article}, {"id": "third", "text": records[2]["text"]}], tmp_path / "day2.jsonl")
    samestory.run(tmp_path / "day1.jsonl", out=tmp_path / "ref", settings=LEXICAL)
    kept = samestory.run(tmp_path / "day2.jsonl", out=tmp_path / "kept", settings=LEXICAL, references=[tmp_path / "ref"])
    rule = LEXICAL.replace(original={"reference_canonical": "rule"})
    chosen = samestory.run(tmp_path / "day2.jsonl", out=tmp_path / "rule", settings=rule, references=[tmp_path / "ref"])
    by_id = lambda result: {r["doc_id"]: r for r in result.documents.to_pylist()}  # noqa: E731
    full_kept, full_rule = by_id(kept)["day2.jsonl#full"], by_id(chosen)["day2.jsonl#full"]
    assert (full_kept["cluster_id"], full_kept["relation"]) == ("day1.jsonl#excerpt", "partial")
    assert full_kept["cluster_reference"] is not None
    assert full_rule["cluster_id"] == "day2.jsonl#full" and full_rule["cluster_reference"] is None
    assert full_rule["is_canonical"] and full_rule["relation"] is None and full_rule["canonical_reason"]
    assert not full_kept["is_canonical"]
    counts = json.loads((tmp_path / "rule" / "run.json").read_text())["stages"]["group_and_original"]
    assert counts["reference_canonicals_replaced"] == 1
    assert "reference_canonicals_replaced" not in json.loads((tmp_path / "kept" / "run.json").read_text())["stages"][
        "group_and_original"]
    with pytest.raises(samestory.ConfigError, match="reference or rule"):
        LEXICAL.replace(original={"reference_canonical": "newest"})


@pytest.mark.e2e
def test_related_pairs_never_group_across_a_reference_run(tmp_path, monkeypatch):
    """A `related` pair (shown, never grouped) must not pull a new document into a reference
    document's group: the same pair keeps both apart in one run and across day 1 -> day 2."""
    from samestory.rewrite import find as rewrite_find

    settings = Settings().replace(run={"workers": 1, "progress": False}, report={"enabled": False})
    real = rewrite_find.judge_pair

    def related_only(*args, **kwargs):  # every judged pair comes out `related`
        verdict = real(*args, **kwargs)
        return rewrite_find.Verdict("related", verdict.alignment, verdict.features, verdict.score, verdict.threshold,
                                    verdict.judge, verdict.variants)

    monkeypatch.setattr(rewrite_find, "judge_pair", related_only)
    seeds = sorted((EXAMPLES / "seeds").iterdir())
    (tmp_path / "day1").mkdir()
    (tmp_path / "day2").mkdir()
    shutil.copy(seeds[1], tmp_path / "day1" / seeds[1].name)
    shutil.copy(seeds[0], tmp_path / "day2" / seeds[0].name)
    one = samestory.run([tmp_path / "day1", tmp_path / "day2"], settings=settings)
    assert "related" in one.pairs.column("relation").to_pylist()
    assert one.documents.column("relation").to_pylist() == [None, None]
    samestory.run(tmp_path / "day1", out=tmp_path / "out1", settings=settings)
    day2 = samestory.run(tmp_path / "day2", out=tmp_path / "out2", settings=settings, references=[tmp_path / "out1"])
    assert day2.pairs.column("relation").to_pylist() == ["related"]
    row = day2.documents.to_pylist()[0]
    assert row["relation"] is None and row["is_canonical"] and row["cluster_reference"] is None
