"""Labelled benchmark: build the corpus, run samestory and the datasketch MinHash baseline, and
print the `samestory eval` tables for both, overall and per variant.

    PYTHONPATH=$PWD python benchmarks/labelled/run.py            # build + run (about 3 min on 2 cores)
    PYTHONPATH=$PWD python benchmarks/labelled/run.py --reuse    # keep an existing corpus

Writes to --out (default benchmarks/results/labelled/): corpus/, labels.csv, run/ (the samestory
outputs and eval.json), baseline-eval.json, report.md (markdown tables for BENCHMARKS.md).

Baseline (the usual MinHash dedup): datasketch, lower-cased word 5-grams, 128 permutations,
MinHashLSH threshold 0.5, connected components over each document's query results. It reads the
same cleaned text samestory extracted (documents.parquet `text`), so the two differ only in
how they match documents.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import build  # noqa: E402


def minhash_baseline(doc_ids: list[str], texts: list[str | None], seed: int = 1) -> list[str | None]:
    """Cluster of each document (smallest doc id of its component); None for documents without text."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    hashes: dict[int, MinHash] = {}
    for i, text in enumerate(texts):
        if not text:
            continue
        words = re.findall(r"\w+", text.lower())
        grams = {" ".join(words[j:j + 5]) for j in range(max(1, len(words) - 4))}
        m = MinHash(num_perm=128, seed=seed)
        m.update_batch([g.encode("utf-8") for g in sorted(grams)])
        hashes[i] = m
        lsh.insert(str(i), m)
    parent = list(range(len(doc_ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, m in hashes.items():
        for key in lsh.query(m):
            a, b = find(i), find(int(key))
            if a != b:
                parent[max(a, b)] = min(a, b)
    root_name: dict[int, str] = {}
    for i in range(len(doc_ids)):
        r = find(i)
        root_name[r] = min(root_name.get(r, doc_ids[i]), doc_ids[i])
    return [root_name[find(i)] if i in hashes else None for i in range(len(doc_ids))]


def fmt(v) -> str:
    return "n/a" if v is None else (f"{v:.4f}" if isinstance(v, float) else f"{v:,}")


def targets(report: dict) -> list[tuple[str, bool, str]]:
    rows = {r["variant"]: r for r in report["by_variant"]}
    rewrites = [r for v, r in rows.items() if v.startswith("rewrite")]
    rewrite_recall = (sum(r["found"] for r in rewrites) / max(1, sum(r["with_reference"] for r in rewrites))
                      if rewrites else None)
    same_event = rows.get("same-event", {}).get("falsely_merged_documents")
    f1, p = report["f1"] or 0.0, report["precision"] or 0.0
    return [
        ("pairwise F1 >= 0.95", f1 >= 0.95, fmt(report["f1"])),
        ("precision >= 0.99", p >= 0.99, fmt(report["precision"])),
        ("recall on rewrites >= 0.9", rewrite_recall is not None and rewrite_recall >= 0.9, fmt(rewrite_recall)),
        ("no false merges of same-event negatives", same_event == 0, fmt(same_event)),
    ]


def markdown(ours: dict, base: dict, meta: dict) -> str:
    lines = [f"Corpus: {meta['corpus']['documents']:,} documents, {meta['corpus']['sources']} real source articles "
             f"+ {meta['corpus']['events']} hand-written events, seed {meta['seed']}.", "",
             "| | samestory | datasketch MinHash baseline |", "|---|---:|---:|"]
    for key in ("precision", "recall", "f1", "adjusted_rand_index"):
        lines.append(f"| {key.replace('_', ' ')} | {fmt(ours[key])} | {fmt(base[key])} |")
    for key in ("true_same", "predicted_same", "true_positive", "false_positive", "false_negative"):
        lines.append(f"| pairs: {key.replace('_', ' ')} | {fmt(ours['pairs'][key])} | {fmt(base['pairs'][key])} |")
    lines.append(f"| wall time (s) | {meta['samestory_s']:.1f} (whole pipeline incl. extraction) | "
                 f"{meta['baseline_s']:.1f} (matching only, on samestory's text) |")
    lines += ["", "| variant | docs | samestory recall | samestory falsely merged docs | baseline recall | baseline falsely merged docs |",
              "|---|---:|---:|---:|---:|---:|"]
    brow = {r["variant"]: r for r in base["by_variant"]}
    for r in ours["by_variant"]:
        b = brow.get(r["variant"], {})
        lines.append(f"| {r['variant']} | {r['documents']} | {fmt(r['recall'])} | {r['falsely_merged_documents']} | "
                     f"{fmt(b.get('recall'))} | {fmt(b.get('falsely_merged_documents'))} |")
    lines += ["", "| target | samestory | baseline |", "|---|---|---|"]
    for (name, ok, val), (_, bok, bval) in zip(targets(ours), targets(base)):
        lines.append(f"| {name} | {val} {'PASS' if ok else 'FAIL'} | {bval} {'PASS' if bok else 'FAIL'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    from samestory import Settings, run
    from samestory.evaluate import evaluate, evaluate_clusters, load_labels, print_report, variant_table

    ap = argparse.ArgumentParser(description="samestory vs MinHash baseline on the labelled benchmark")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "labelled")
    ap.add_argument("--pages", type=Path, default=build.DEFAULT_PAGES)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sources", type=int, default=60)
    ap.add_argument("--distractors", type=int, default=600)
    ap.add_argument("--workers", type=int, default=0, help="samestory worker processes (0 = all cores)")
    ap.add_argument("--reuse", action="store_true", help="reuse corpus/ and labels.csv in --out if present")
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args(argv)
    console = Console()

    if args.reuse and (args.out / "labels.csv").is_file() and (args.out / "corpus").is_dir():
        corpus_meta = json.loads((args.out / "corpus-meta.json").read_text()) if (args.out / "corpus-meta.json").is_file() else {}
    else:
        if not args.pages.is_dir():
            raise SystemExit(f"error: pages folder not found: {args.pages} (the extraction-dev data set; pass --pages)")
        corpus_meta = build.build(args.out, args.pages, args.seed, args.sources, args.distractors)
        (args.out / "corpus-meta.json").write_text(json.dumps(corpus_meta, indent=2) + "\n")
    labels = load_labels(args.out / "labels.csv")

    t0 = time.perf_counter()
    result = run([args.out / "corpus"], out=args.out / "run", overwrite=True,
                 settings=Settings().replace(run={"workers": args.workers, "progress": False}))
    samestory_s = time.perf_counter() - t0
    ours = evaluate(args.out / "run", labels, top=args.top)

    docs = result.documents
    doc_ids, texts = docs.column("doc_id").to_pylist(), docs.column("text").to_pylist()
    status = docs.column("status").to_pylist()
    texts = [t if s == "ok" else None for t, s in zip(texts, status)]
    t0 = time.perf_counter()
    clusters = minhash_baseline(doc_ids, texts)
    baseline_s = time.perf_counter() - t0
    base = evaluate_clusters(doc_ids, clusters, labels, statuses=status, texts=texts, top=args.top)
    base["labels"]["file"] = str(args.out / "labels.csv")
    (args.out / "baseline-eval.json").write_text(json.dumps(base, indent=2, sort_keys=True, ensure_ascii=False) + "\n")

    print_report(ours, console, title="samestory on the labelled benchmark")
    print_report(base, console, title="datasketch MinHash baseline (5-grams, 128 perm, LSH 0.5, components)")
    head = Table(title="samestory vs baseline", title_justify="left")
    for col in ("", "samestory", "baseline"):
        head.add_column(col, justify="right" if col else "left")
    for key in ("precision", "recall", "f1", "adjusted_rand_index"):
        head.add_row(key.replace("_", " "), fmt(ours[key]), fmt(base[key]))
    head.add_row("wall time (s)", f"{samestory_s:.1f}", f"{baseline_s:.1f}")
    console.print(head)
    console.print(variant_table(ours, base, title="by variant: samestory vs baseline"))
    for (name, ok, val), (_, bok, bval) in zip(targets(ours), targets(base)):
        console.print(f"{name}: samestory {val} {'PASS' if ok else 'FAIL'}; baseline {bval} {'PASS' if bok else 'FAIL'}",
                      highlight=False)
    meta = {"corpus": corpus_meta or {"documents": len(labels.groups), "sources": "?", "events": "?"},
            "seed": args.seed, "samestory_s": samestory_s, "baseline_s": baseline_s}
    (args.out / "report.md").write_text(markdown(ours, base, meta))
    console.print(f"markdown tables in [bold]{args.out / 'report.md'}[/]")


if __name__ == "__main__":
    main()
