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
from samestory.reference import ReferenceError

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

    run_ids = [json.loads((o / "_work" / "manifest.json").read_text())["run_id"] for o in outs]
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
    broken = tmp_path / "broken"
    shutil.copytree(outs[0], broken)
    (broken / "_work" / "keys" / "bands.keys.npy").write_bytes(b"not an array")
    with pytest.raises(ReferenceError, match="broken"):
        samestory.run(new, settings=LEXICAL, references=[broken])


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


def test_candidates_with_new_rows_equal_one_run_filtered(settings):
    import numpy as np

    from samestory.lexical import exact_representatives, find_candidates, fingerprint_batch

    records, _ = generate(300, seed=9, words_per_doc=150)
    fp = fingerprint_batch([r["text"] for r in records], settings.lexical)
    rep = exact_representatives(fp.exact_hash, np.ones(len(records), dtype=bool))
    whole = find_candidates(fp, rep, settings.lexical)
    for first_new in (1, 150, 299):
        part = find_candidates(fp, rep, settings.lexical, first_new=first_new)
        keep = whole.pairs[:, 1] >= first_new
        assert np.array_equal(part.pairs, whole.pairs[keep])
        assert np.array_equal(part.origin, whole.origin[keep])
        assert np.array_equal(part.shared_anchors, whole.shared_anchors[keep])
    assert (whole.pairs[:, 1] >= 150).sum() and (whole.pairs[:, 1] < 150).sum()  # both kinds exist


def test_reference_key_indexes_written_and_read_back_find_the_candidates_of_one_run(settings, tmp_path):
    """Two reference 'runs' (rows 0-99 and 100-179), each with its key index written to disk and
    read back memory-mapped, searched for the new rows' keys: the candidates are those of one
    search over all the rows, for pairs with a new row. Rows 40-59 are rejected and rows 120
    and 20 exact copies, so the allowed mask filters what the indexes return."""
    import numpy as np

    from samestory.lexical import exact_representatives, find_candidates, fingerprint_batch
    from samestory.lexical.keyindex import KeyIndex, ReferenceKeys
    from samestory.workdir import write_atomically

    records, _ = generate(300, seed=9, words_per_doc=150)
    texts = [r["text"] for r in records]
    texts[120] = texts[20]
    fp = fingerprint_batch(texts, settings.lexical)
    ok = np.ones(len(texts), dtype=bool)
    ok[40:60] = False
    rep = exact_representatives(fp.exact_hash, ok)
    whole = find_candidates(fp, rep, settings.lexical)
    runs = []
    for k, (lo, hi) in enumerate(((0, 100), (100, 180))):
        part = fingerprint_batch(texts[lo:hi], settings.lexical)
        KeyIndex.build(part, ok[lo:hi], settings.lexical).write(tmp_path / str(k), write_atomically)
        runs.append((lo, KeyIndex.read(tmp_path / str(k), settings.lexical, hi - lo)))
    found = find_candidates(fp, rep, settings.lexical, first_new=180, reference=ReferenceKeys(runs))
    keep = whole.pairs[:, 1] >= 180
    assert keep.sum() and np.array_equal(found.pairs, whole.pairs[keep])
    assert np.array_equal(found.origin, whole.origin[keep])
    assert np.array_equal(found.shared_anchors, whole.shared_anchors[keep])
    assert KeyIndex.read(tmp_path / "missing", settings.lexical, 10) is None  # a run of an earlier version


@pytest.mark.e2e
@pytest.mark.parametrize("removed", [("index.parquet", "keys"), ("keys",)])
def test_a_reference_without_its_index_file_loads_from_its_shards_alike(three_days, tmp_path, removed):
    """The index (one file of fingerprints) and the key index are shortcuts: a run folder of an
    earlier version, which has only the shards (or no key index), gives the same outputs."""
    results, _, outs = three_days
    old_style = []
    for k, out in enumerate(outs[:2]):
        copy = tmp_path / f"ref{k}"
        shutil.copytree(out, copy)
        for name in removed:
            assert (copy / "_work" / name).exists()
            shutil.rmtree(copy / "_work" / name) if name == "keys" else (copy / "_work" / name).unlink()
        old_style.append(copy)
    day3 = outs[2].parent / "in" / "day3.jsonl"
    again = samestory.run(day3, out=tmp_path / "again", settings=LEXICAL, references=old_style)
    assert again.documents.equals(results[2].documents)
    assert again.pairs.equals(results[2].pairs)


@pytest.mark.e2e
def test_a_reference_gets_its_key_index_on_first_use_and_works_where_it_cannot_be_written(three_days, tmp_path,
                                                                                         monkeypatch):
    from samestory.lexical.keyindex import KeyIndex

    results, _, outs = three_days
    day3 = outs[2].parent / "in" / "day3.jsonl"
    copies = []
    for k, out in enumerate(outs[:2]):
        copy = tmp_path / f"ref{k}"
        shutil.copytree(out, copy)
        shutil.rmtree(copy / "_work" / "keys")
        copies.append(copy)

    def refuse(self, folder, write):
        raise PermissionError(13, "Permission denied", str(folder))

    with monkeypatch.context() as patch:  # a read-only reference folder: built in memory, not kept
        patch.setattr(KeyIndex, "write", refuse)
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


def test_reference_columns_read_rows_from_arrow_and_stack_like_lists():
    """Reference metadata stays in Arrow: a column reads a row when asked, takes the rows
    final.parquet changed over it, and the combined corpus stacks such columns with lists."""
    from datetime import datetime, timezone

    import pyarrow as pa

    from samestory.reference import ArrowColumn, StackedColumn, _lazy_columns

    column = ArrowColumn(pa.array(["a", None, "c"]))
    assert (len(column), column[0], column[1], column[-1], column[0:2]) == (3, "a", None, "c", ["a", None])
    column[1] = "b"
    assert column[1] == "b" and column.arrow().to_pylist() == ["a", "b", "c"]
    stacked = StackedColumn([column, ["d", "e"], ArrowColumn(pa.array(["f"]))])
    assert len(stacked) == 6 and stacked[:] == ["a", "b", "c", "d", "e", "f"] and stacked[-2] == "e"
    stacked[3] = "D"
    stacked[5] = "F"
    assert stacked[3:] == ["D", "e", "F"]
    when = pa.array([datetime(2024, 3, 1, 12, tzinfo=timezone.utc), None], pa.timestamp("us", tz="UTC"))
    table = pa.table({"doc_id": ["x", "y"], "date": when, "date_precision": ["day", None], "chrome_lines": pa.array([2, 0], pa.int32())})
    columns = _lazy_columns(table)
    assert columns.doc_id[1] == "y" and columns.chrome_lines[0] == 2 and columns.url[0] is None  # not read: None
    assert columns.date[1] is None and columns.date[0].precision == "day"
    assert columns.date[0].when == datetime(2024, 3, 1, 12, tzinfo=timezone.utc)
