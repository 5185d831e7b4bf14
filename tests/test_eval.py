"""samestory eval: label files, pairwise metrics from group sizes, ARI, error listings, CLI."""

from __future__ import annotations

import json
import random
from itertools import combinations
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samestory.cli import app
from samestory.evaluate import LabelError, adjusted_rand_index, evaluate, evaluate_clusters, load_labels

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def brute_force(docs, truth, pred):
    """Pairwise counts by listing every pair (the reference the contingency counts must match)."""
    tp = fp = fn = 0
    for a, b in combinations(docs, 2):
        same_t, same_p = truth[a] == truth[b], pred[a] == pred[b]
        tp += same_t and same_p
        fp += same_p and not same_t
        fn += same_t and not same_p
    return tp, fp, fn


# --------------------------------------------------------------------------- labels files


def test_cluster_labels_in_csv_tsv_json_jsonl(tmp_path):
    csv = load_labels(write(tmp_path / "l.csv", "doc_id,group,variant\na,g1,original\nb,g1,near\nc,g2,\n"))
    assert csv.kind == "cluster" and csv.groups == {"a": "g1", "b": "g1", "c": "g2"}
    assert csv.variants == {"a": "original", "b": "near"}
    tsv = load_labels(write(tmp_path / "l.tsv", "doc_id\tgroup\na\t1\nb\t1\n"))
    assert tsv.groups == {"a": "1", "b": "1"}
    js = load_labels(write(tmp_path / "l.json", json.dumps([{"doc_id": "a", "group": 7, "relation": "exact"}])))
    assert js.groups == {"a": "7"} and js.variants == {"a": "exact"}
    mapping = load_labels(write(tmp_path / "m.json", json.dumps({"a": "x", "b": "x"})))
    assert mapping.groups == {"a": "x", "b": "x"}
    jsonl = load_labels(write(tmp_path / "l.jsonl", '{"doc_id": "a", "group": "x"}\n\n{"doc_id": "b", "group": "y"}\n'))
    assert jsonl.groups == {"a": "x", "b": "y"}


def test_pair_labels(tmp_path):
    labels = load_labels(write(tmp_path / "p.csv", "doc_a,doc_b,label,variant\nb,a,1,near\nc,a,0,same-event\nc,a,false,\n"))
    assert labels.kind == "pair"
    assert labels.pairs == [("a", "b", 1, "near"), ("a", "c", 0, "same-event")]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.csv", None, "not found"),
        ("empty.csv", "", "is empty"),
        ("cols.csv", "id,cluster_name\na,1\n", "needs columns doc_id,group"),
        ("label.csv", "doc_a,doc_b,label\na,b,maybe\n", "label 'maybe'"),
        ("self.csv", "doc_a,doc_b,label\na,a,1\n", "with itself"),
        ("clash.csv", "doc_a,doc_b,label\na,b,1\nb,a,0\n", "both 1 and 0"),
        ("two.csv", "doc_id,group\na,1\na,2\n", "in two groups"),
        ("blank.csv", "doc_id,group\n,1\n", "empty doc_id"),
        ("nogroup.csv", "doc_id,group\na,\n", "empty group"),
        ("bad.json", "[{\"doc_id\": ", "not valid JSON"),
        ("list.json", "[1, 2]", "list of objects"),
        ("bin.csv", b"\xff\xfe\x00\x81", "not UTF-8"),
        ("header.csv", "doc_id,group\n", "no rows"),
    ],
)
def test_bad_label_files_give_one_line_messages(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelError) as info:
        load_labels(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- metrics


def test_pairwise_counts_match_brute_force_and_ari_matches_sklearn():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = random.Random(5)
    for trial in range(20):
        docs = [f"d{i}" for i in range(rng.randint(2, 60))]
        truth = {d: f"g{rng.randint(0, 8)}" for d in docs}
        pred = {d: f"c{rng.randint(0, 8)}" for d in docs}
        labels = load_labels_from(truth)
        report = evaluate_clusters(docs, [pred[d] for d in docs], labels)
        tp, fp, fn = brute_force(docs, truth, pred)
        assert (report["pairs"]["true_positive"], report["pairs"]["false_positive"], report["pairs"]["false_negative"]) == (tp, fp, fn)
        expected = sklearn_metrics.adjusted_rand_score([truth[d] for d in docs], [pred[d] for d in docs])
        assert report["adjusted_rand_index"] == pytest.approx(expected, abs=1e-6)


def load_labels_from(groups: dict, variants: dict | None = None):
    from samestory.evaluate import Labels

    return Labels(kind="cluster", source="test", groups=dict(groups), variants=dict(variants or {}))


def test_ari_trivial_partitions():
    assert adjusted_rand_index([1, 1, 1], [1, 1, 1], [1, 1, 1]) == 1.0  # all singletons both sides
    assert adjusted_rand_index([3], [3], [3]) == 1.0  # one block both sides
    assert adjusted_rand_index([1, 1, 1], [3], [1, 1, 1]) == 0.0


def test_one_huge_group_is_counted_from_sizes():
    n = 300_000  # listing its pairs would take 4.5e10 steps
    docs = [str(i) for i in range(n)]
    labels = load_labels_from({d: "g" for d in docs})
    pred = ["a" if i % 3 else "b" for i in range(n)]
    report = evaluate_clusters(docs, pred, labels, top=3)
    a, b = n - n // 3, n // 3  # sizes of the two predicted clusters
    assert report["pairs"]["true_same"] == n * (n - 1) // 2
    assert report["pairs"]["true_positive"] == a * (a - 1) // 2 + b * (b - 1) // 2
    assert report["precision"] == 1.0
    assert report["misses_total"] == b and len(report["worst_misses"]) == 3


def test_unknown_and_unlabelled_documents_are_counted_not_fatal():
    labels = load_labels_from({"a": "1", "b": "1", "ghost": "1", "spook": "2"})
    report = evaluate_clusters(["a", "b", "c"], ["x", "x", "x"], labels)
    docs = report["documents"]
    assert docs["unknown_label_ids"] == 2 and docs["unknown_label_ids_listed"] == ["ghost", "spook"]
    assert docs["unlabelled_left_out"] == 1 and docs["labelled_in_run"] == 2
    assert report["pairs"]["true_same"] == 1 and report["precision"] == 1.0 and report["recall"] == 1.0


def test_variant_recall_false_merges_and_explanations():
    texts = {
        "o": "the harbour council approved the electric ferry on tuesday after a long debate about cost",
        "n": "the harbour council approved the electric ferry on tuesday after a long debate about costs",
        "r": "councillors said yes to a battery ferry this week, ending months of argument over money",
        "e": "commuters will wait two more years for the ferry, the operator said in a statement today",
    }
    labels = load_labels_from(
        {"o": "ferry", "n": "ferry", "r": "ferry", "e": "other"},
        {"o": "original", "n": "near", "r": "rewrite", "e": "same-event"},
    )
    docs = ["o", "n", "r", "e"]
    clusters = ["o", "o", "r", "o"]  # rewrite missed, same-event article wrongly merged
    pairs = [
        {"doc_a": "n", "doc_b": "o", "relation": "near", "score": 0.9, "jaccard": 0.9, "containment": 0.95},
        {"doc_a": "e", "doc_b": "o", "relation": "near", "score": 0.55, "jaccard": 0.55, "containment": 0.6},
    ]
    report = evaluate_clusters(docs, clusters, labels, pairs=pairs, texts=[texts[d] for d in docs],
                               relations=[None, "near", None, "near"], statuses=["ok"] * 4)
    rows = {r["variant"]: r for r in report["by_variant"]}
    assert rows["rewrite"]["recall"] == 0.0
    assert rows["near"]["recall"] == 1.0  # found with its original (the missed rewrite does not count)
    assert rows["original"]["recall"] is None  # the original is the reference itself
    assert rows["same-event"]["falsely_merged_documents"] == 1
    assert rows["near"]["falsely_merged_documents"] == 1
    merge = report["worst_false_merges"][0]
    assert {merge["doc_a"]["doc_id"], merge["doc_b"]["doc_id"]} == {"e", "o"}
    assert merge["relation"] == "near" and merge["verified_pair"] is True
    miss = report["worst_misses"][0]
    assert miss["doc"]["doc_id"] == "r" and miss["group_found_as"]["doc_id"] == "o"
    assert miss["missed_pairs"] == 2 and 0.0 <= miss["jaccard"] < 0.2
    # Without pairs (a baseline), false merges are still found from the clusters.
    bare = evaluate_clusters(docs, clusters, labels)
    assert bare["false_merges_total"] == 1 and bare["worst_false_merges"][0]["verified_pair"] is False


def test_pair_label_metrics():
    from samestory.evaluate import Labels

    labels = Labels(kind="pair", source="t", pairs=[("a", "b", 1, "near"), ("a", "c", 0, "same-event"),
                                                   ("b", "d", 1, "rewrite"), ("a", "zz", 1, "")])
    report = evaluate_clusters(["a", "b", "c", "d"], ["1", "1", "1", "2"], labels)
    assert report["pairs"]["true_positive"] == 1 and report["pairs"]["false_positive"] == 1
    assert report["pairs"]["false_negative"] == 1 and report["labels"]["pairs_with_unknown_ids"] == 1
    assert report["precision"] == 0.5 and report["recall"] == 0.5 and report["adjusted_rand_index"] is None
    rows = {r["variant"]: r for r in report["by_variant"]}
    assert rows["same-event"]["false_merges"] == 1 and rows["rewrite"]["recall"] == 0.0


# --------------------------------------------------------------------------- on the shipped examples


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    from samestory import Settings, run

    out = tmp_path_factory.mktemp("run")
    run([EXAMPLES], out=out, settings=Settings().replace(run={"workers": 1, "progress": False}))
    return out


def test_examples_labels_cover_the_run(example_run):
    report = evaluate(example_run, EXAMPLES.parent / "examples.labels.csv")
    assert report["documents"]["unknown_label_ids"] == 0
    assert report["documents"]["unlabelled_left_out"] == 0
    assert report["documents"]["labelled_in_run"] == 19
    assert report["precision"] == 1.0
    assert report["pairs"]["true_same"] == 8
    assert report["pairs"]["true_positive"] == 8  # every relation of the examples, the seeds' rewrite included
    rows = {r["variant"]: r for r in report["by_variant"]}
    assert rows["same-event"]["falsely_merged_documents"] == 0
    for variant in ("exact", "near", "partial", "rewrite"):
        assert rows[variant]["recall"] == 1.0
    saved = json.loads((example_run / "eval.json").read_text())
    assert saved["f1"] == report["f1"]


def test_eval_is_deterministic(example_run):
    evaluate(example_run, EXAMPLES.parent / "examples.labels.csv")
    first = (example_run / "eval.json").read_bytes()
    evaluate(example_run, EXAMPLES.parent / "examples.labels.csv")
    assert (example_run / "eval.json").read_bytes() == first


def test_cli_eval(example_run, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["eval", str(example_run), "--labels", str(EXAMPLES.parent / "examples.labels.csv")])
    assert result.exit_code == 0, result.output
    assert "precision" in result.output and "same-event" in result.output
    bad = write(tmp_path / "bad.csv", "doc,grp\nx,1\n")
    result = runner.invoke(app, ["eval", str(example_run), "--labels", str(bad)])
    assert result.exit_code == 2 and "needs columns doc_id,group" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["eval", str(tmp_path), "--labels", str(EXAMPLES.parent / "examples.labels.csv")])
    assert result.exit_code == 2 and "no samestory run" in result.output
