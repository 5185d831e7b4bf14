"""How often the canonical document is the labelled original, with samestory's rule and with
the old one (earliest date, then most words, then smallest doc_id).

Run the labelled benchmark first (benchmarks/labelled/run.py), then:

    python benchmarks/original_choice.py [RUN_DIR] [LABELS_CSV]

(defaults: benchmarks/results/labelled/run and benchmarks/results/labelled/labels.csv).
Only predicted groups that hold exactly one document labelled `original` are counted.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    run = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "benchmarks" / "results" / "labelled" / "run"
    labels_path = Path(sys.argv[2]) if len(sys.argv) > 2 else run.parent / "labels.csv"
    variant = {r["doc_id"]: r["variant"] for r in csv.DictReader(open(labels_path, encoding="utf-8"))}
    docs = {r["doc_id"]: r for r in pq.read_table(run / "documents.parquet").to_pylist()}
    clusters: dict[str, list[str]] = defaultdict(list)
    for d, r in docs.items():
        if r["status"] == "ok":
            clusters[r["cluster_id"]].append(d)
    total = new_ok = old_ok = 0
    first_signal: Counter = Counter()
    wrong = []
    for cid, members in sorted(clusters.items()):
        originals = [m for m in members if variant.get(m) == "original"]
        if len(members) < 2 or len(originals) != 1:
            continue
        total += 1
        original = originals[0]
        new_ok += cid == original
        old = min(members, key=lambda m: (docs[m]["date"] is None, docs[m]["date"] or "", -docs[m]["n_words"], m))
        old_ok += old == original
        first_signal[(docs[cid]["canonical_reason"] or "").split(" (")[0]] += 1
        if cid != original:
            wrong.append((cid, variant.get(cid), docs[cid]["canonical_reason"]))
    print(f"groups holding one labelled original: {total}")
    print(f"canonical is the original: samestory rule {new_ok}/{total}, old rule (date, words, doc_id) {old_ok}/{total}")
    print("deciding signal (first in the reason):", dict(first_signal.most_common()))
    for cid, var, reason in wrong:
        print(f"  wrong: {cid} ({var}): {reason}")


if __name__ == "__main__":
    main()
