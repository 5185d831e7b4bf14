"""End to end on the shipped examples: relations, originals, outputs, determinism, CLI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest

import samestory
from samestory import ConfigError, Settings
from samestory.lexical.candidates import Candidates, anchor_pairs, exact_representatives, find_candidates
from samestory.groupby import pairs_within_groups
from samestory.lexical import fingerprint_batch
from samestory.lexical import verify_lexical

from .conftest import EXAMPLES, by_id, without_timings

C = "crawl/"


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    result = samestory.run(EXAMPLES, out=out, settings=Settings().replace(run={"workers": 1, "progress": False}))
    return result, out


def test_every_input_document_is_accounted_for(example_run):
    result, _ = example_run
    files = sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix != ".jsonl")
    docs = by_id(result.documents)
    for path in files:
        assert path.relative_to(EXAMPLES).as_posix() in docs
    assert C + "newsbits/feed.jsonl#nb-1001" in docs and C + "newsbits/feed.jsonl#nb-1002" in docs
    assert all(d["status"] in ("ok", "rejected") for d in docs.values())


def test_examples_show_exact_near_and_partial(example_run):
    docs = by_id(example_run[0].documents)

    def member(doc_id, canonical, relation):
        d = docs[C + doc_id]
        assert d["cluster_id"] == C + canonical, doc_id
        assert d["relation"] == relation, doc_id
        assert not d["is_canonical"]

    member("dailyledger/kestrel-bay-electric-ferry.html", "harbourcourier/ferry.html", "exact")
    member("newsbits/feed.jsonl#nb-1001", "harbourcourier/chess.html", "exact")
    member("dailyledger/millbrook-library-sundays.html", "harbourcourier/library.html", "near")
    member("newsbits/tanner-street-bridge.html", "harbourcourier/bridge.html", "partial")
    member("newsbits/young-chess-champion.html", "harbourcourier/chess.html", "partial")
    for canonical in ("ferry", "chess", "library", "bridge"):
        d = docs[C + f"harbourcourier/{canonical}.html"]
        assert d["is_canonical"] and d["relation"] is None and d["canonical_reason"]


def test_independent_article_about_the_same_event_stays_apart(example_run):
    docs = by_id(example_run[0].documents)
    other = docs[C + "dailyledger/lune-crossing-commuters.html"]
    assert other["cluster_id"] == other["doc_id"]
    assert docs[C + "dailyledger/aster-valley-frost.html"]["relation"] is None


def test_original_rule_earliest_date_then_length(example_run):
    docs = by_id(example_run[0].documents)
    ferry = docs[C + "harbourcourier/ferry.html"]
    assert (ferry["date"].isoformat(), ferry["date_precision"]) == ("2024-03-04T08:00:00+00:00", "time")
    assert "earliest date" in ferry["canonical_reason"]
    bridge = docs[C + "harbourcourier/bridge.html"]  # same date as its excerpt: the complete text wins
    assert docs[C + "newsbits/tanner-street-bridge.html"]["date"] == bridge["date"]
    assert bridge["canonical_reason"].startswith("complete text (1 excerpt in the group)")


def test_outputs_and_their_columns(example_run):
    result, out = example_run
    documents = pq.read_table(out / "documents.parquet")
    for column in ("doc_id", "source", "url", "title", "date", "site", "status", "reason", "text",
                   "cluster_id", "is_canonical", "relation", "score"):
        assert column in documents.column_names
    pairs = pq.read_table(out / "pairs.parquet")
    for column in ("doc_a", "doc_b", "relation", "score", "jaccard", "containment", "evidence"):
        assert column in pairs.column_names
    for row in pairs.to_pylist():
        assert isinstance(json.loads(row["evidence"]), dict)
    kept = pq.read_table(out / "deduplicated").to_pylist()  # the Parquet shards, read as one table
    assert {"id", "record_id", "url", "date", "date_precision", "title", "text", "cluster_id", "group_size",
            "metadata"} <= set(kept[0])
    assert len(kept) == result.summary["kept"]
    ids = {k["id"] for k in kept}
    assert C + "harbourcourier/ferry.html" in ids and C + "dailyledger/kestrel-bay-electric-ferry.html" not in ids
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["summary"] == result.summary


def test_tables_are_queryable_with_duckdb(example_run):
    import duckdb

    result, out = example_run
    rows = duckdb.sql(
        f"SELECT relation, count(*) FROM '{out / 'documents.parquet'}' WHERE relation IS NOT NULL GROUP BY relation"
    ).fetchall()
    assert {rel: n for rel, n in rows} == {k: v for k, v in result.summary["duplicates_by_relation"].items() if v}
    ((pairs,),) = duckdb.sql(f"SELECT count(*) FROM '{out / 'pairs.parquet'}'").fetchall()
    assert pairs == result.summary["verified_pairs"]


def test_same_input_same_bytes(tmp_path):
    digests = []
    for name in ("a", "b"):
        out = tmp_path / name
        samestory.run(EXAMPLES, out=out, settings=Settings().replace(run={"workers": 2, "progress": False}, read={"batch_size": 3}))
        digests.append({f.relative_to(out).as_posix(): hashlib.sha256(without_timings(f)).hexdigest()
                        for f in sorted(out.rglob("*")) if f.is_file()})
    assert digests[0] == digests[1]
    assert len(digests[0]) >= 4


def test_worker_count_does_not_change_results(tmp_path):
    one = samestory.run(EXAMPLES, settings=Settings().replace(run={"workers": 1, "progress": False})).documents
    two = samestory.run(EXAMPLES, settings=Settings().replace(run={"workers": 2, "progress": False}, read={"batch_size": 2})).documents
    assert one.equals(two)


def test_lsh_collision_alone_never_merges(settings):
    texts = ["alpha beta gamma delta epsilon zeta eta theta iota kappa " * 3,
             "one two three four five six seven eight nine ten eleven " * 3]
    forced = Candidates(pairs=np.array([[0, 1]]), origin=np.array([1], np.uint8), shared_anchors=np.array([0]))
    assert len(verify_lexical(texts, forced, settings.lexical)) == 0


def test_partial_copies_are_found_by_anchors_where_lsh_misses(settings):
    import random

    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    source = " ".join(rng.choice(vocab) for _ in range(1500))
    excerpt = " ".join(source.split()[600:800])  # 13% of the source: Jaccard ~0.13
    lex = settings.lexical
    fp = fingerprint_batch([source, excerpt], lex)
    rep = exact_representatives(fp.exact_hash, np.array([True, True]))
    pairs, shared = anchor_pairs(fp, rep == np.arange(2), lex)
    assert pairs.tolist() == [[0, 1]] and shared[0] >= lex.min_shared_anchors
    cands = find_candidates(fp, rep, lex)
    verified = verify_lexical([source, excerpt], cands, lex)
    assert verified.relation == ["partial"] and verified.score[0] == 1.0


def test_big_buckets_give_star_pairs_not_all_pairs():
    keys = np.zeros(1000, dtype=np.uint64)
    pairs = pairs_within_groups(keys, np.arange(1000), max_all_pairs=50)
    assert len(pairs) == 999 and set(pairs[:, 0].tolist()) == {0}


def test_cli_refuses_to_mix_runs_and_reports_bad_paths(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "samestory.cli", "run", str(EXAMPLES / "seeds"), "--out", str(out), "--workers", "1", "--no-rewrites"]  # the tier is not what this checks
    first = subprocess.run(cmd, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "documents read" in first.stderr  # stdout is not a terminal: the summary is on stderr
    again = subprocess.run(cmd, capture_output=True, text=True)
    assert again.returncode == 2 and "--overwrite" in again.stderr and "Traceback" not in again.stderr
    assert subprocess.run(cmd + ["--overwrite", "--quiet"], capture_output=True, text=True).returncode == 0
    missing = subprocess.run([sys.executable, "-m", "samestory.cli", "run", str(tmp_path / "nope"), "--out", str(out)],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    assert "Traceback" not in missing.stderr and len(missing.stderr.strip().splitlines()) == 1


def test_config_file(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text("[lexical]\nnear_min_jaccard = 0.9\n[run]\nworkers = 1\n")
    loaded = Settings.from_toml(cfg)
    assert loaded.lexical.near_min_jaccard == 0.9 and loaded.run.workers == 1
    cfg.write_text("[lexical]\nnear_min_jacard = 0.9\n")
    with pytest.raises(ConfigError, match="did you mean 'near_min_jaccard'"):
        Settings.from_toml(cfg)
    cfg.write_text("[lexical]\nnear_min_jaccard = 1.5\n")
    with pytest.raises(ConfigError, match="lexical.near_min_jaccard must be between 0.0 and 1.0"):
        Settings.from_toml(cfg)
    cfg.write_text("[lexical]\nlsh_bands = 16\n")
    with pytest.raises(ConfigError, match="lsh_bands \\* lexical.lsh_rows must equal"):
        Settings.from_toml(cfg)
    cfg.write_text("[lexical]\nno_such_setting = 1\n")
    bad = subprocess.run([sys.executable, "-m", "samestory.cli", "run", str(EXAMPLES / "seeds"), "--out",
                          str(tmp_path / "o"), "--config", str(cfg)], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown setting" in bad.stderr and "Traceback" not in bad.stderr


def test_examples_site_chrome_is_learned_removed_and_listed(example_run):
    result, out = example_run
    docs = by_id(result.documents)
    glossy = [d for k, d in docs.items() if "londonglossypost" in k]
    assert len(glossy) == 5
    for d in glossy:
        assert "Glossy Post" not in d["text"] and "Advertisement" not in d["text"]
        assert d["boilerplate_lines_removed"] == 4
    lines = {r["line"] for r in pq.read_table(out / "boilerplate.parquet").to_pylist()}
    assert "Advertisement" in lines and "Photographs by the Glossy Post picture desk." in lines
    # the orchard story republished inside that chrome is an exact copy once the chrome is gone
    copy = docs[C + "londonglossypost/feed.jsonl#gp-2005"]
    assert copy["cluster_id"] == C + "dailyledger/aster-valley-frost.html" and copy["relation"] == "exact"
