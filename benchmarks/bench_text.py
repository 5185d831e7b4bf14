"""Text-path benchmark: samestory vs the datasketch and rensa MinHashLSH baselines, same corpus, same run.

    python benchmarks/bench_text.py 10000 100000 [--workers 2] [--seed 0]
    python benchmarks/bench_text.py 1000000 --workers 2 --no-report --skip-baseline   # the 1M run

For each size: generates a synthetic corpus of ~500-word documents with planted exact, near
and partial copies (benchmarks/synthetic.py), runs `samestory run` on it and the two baseline
scripts (baseline_datasketch.py, baseline_rensa.py), each in its own process, and prints
docs/s, peak RSS (whole process tree) and recall per planted relation plus pairwise
precision, as a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from collections import Counter, defaultdict
from math import comb
from pathlib import Path

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.measure import run_measured  # noqa: E402
from benchmarks.synthetic import generate, write_jsonl  # noqa: E402


def true_groups(ids: list[str], planted: list[tuple[str, str, str]]) -> dict[str, str]:
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in planted:
        parent[find(a)] = find(b)
    return {i: find(i) for i in ids}


def score(pred: dict[str, object], truth: dict[str, str], planted) -> dict:
    """Recall per planted relation (copy lands in its source's group) and pairwise precision."""
    recall = {}
    by_rel = defaultdict(list)
    for a, b, rel in planted:
        by_rel[rel].append(pred[a] == pred[b])
    for rel, hits in sorted(by_rel.items()):
        recall[rel] = sum(hits) / len(hits)
    cells = Counter((pred[i], truth[i]) for i in truth)
    pred_sizes = Counter(pred[i] for i in truth)
    true_sizes = Counter(truth.values())
    tp = sum(comb(n, 2) for n in cells.values())
    predicted = sum(comb(n, 2) for n in pred_sizes.values())
    actual = sum(comb(n, 2) for n in true_sizes.values())
    return {
        "recall": recall,
        "pair_precision": tp / predicted if predicted else 1.0,
        "pair_recall": tp / actual if actual else 1.0,
    }


def bench(n: int, seed: int, workers: int, data_dir: Path, extra_args: tuple[str, ...] = (),
          baseline: bool = True) -> list[dict]:
    corpus = data_dir / f"synth-{n}-s{seed}.jsonl"
    records, planted = generate(n, seed)
    if not corpus.exists():
        write_jsonl(records, corpus)
    ids = [r["id"] for r in records]
    truth = true_groups(ids, planted)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        # The corpus is word salad with planted exact/near/partial copies and no rewrites; sentence
        # embeddings find word salads alike (README: limits), so this text-path benchmark runs
        # without the rewrite tier (benchmarks/bench_rewrite.py measures that tier).
        m = run_measured([sys.executable, "-m", "samestory.cli", "run", str(corpus), "--out", str(out),
                          "--quiet", "--workers", str(workers), "--no-rewrites", *extra_args])
        docs = pq.read_table(out / "documents.parquet", columns=["doc_id", "cluster_id"]).to_pylist()
        pred = {d["doc_id"].split("#", 1)[1]: d["cluster_id"] for d in docs}
        label = f"samestory ({workers} workers{', ' + ' '.join(extra_args) if extra_args else ''})"
        rows.append({"system": label, "n": n, **m, **score(pred, truth, planted)})
        if not baseline:
            return rows
        for script, label in (("baseline_datasketch.py", "datasketch MinHashLSH (1 process)"),
                              ("baseline_rensa.py", "rensa RMinHashLSH (1 process)")):
            groups_json = Path(tmp) / "baseline.json"
            m = run_measured([sys.executable, str(HERE / script), str(corpus), str(groups_json)])
            pred = json.loads(groups_json.read_text())
            rows.append({"system": label, "n": n, **m, **score(pred, truth, planted)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", type=int, nargs="+")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--no-report", action="store_true", help="also pass --no-report to samestory")
    ap.add_argument("--skip-baseline", action="store_true", help="samestory only (the 1M run: datasketch takes ~15 min there)")
    args = ap.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| system | docs | wall s | docs/s | peak RSS MB (tree sum) | peak PSS MB (tree sum) | recall exact | recall near | recall partial | pair precision |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        for r in bench(n, args.seed, args.workers, args.data, ("--no-report",) if args.no_report else (),
                       baseline=not args.skip_baseline):
            rec = r["recall"]
            print(f"| {r['system']} | {n:,} | {r['wall_s']:.1f} | {n / r['wall_s']:,.0f} | {r['peak_rss_mb']:,.0f} | {r['peak_pss_mb']:,.0f} | "
                  f"{rec.get('exact', 0):.3f} | {rec.get('near', 0):.3f} | {rec.get('partial', 0):.3f} | "
                  f"{r['pair_precision']:.4f} |", flush=True)


if __name__ == "__main__":
    main()
