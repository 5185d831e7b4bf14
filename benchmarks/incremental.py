"""Incremental deduplication: daily batches, each run against every earlier day (--reference).

One synthetic corpus (planted exact/near/partial copies, shuffled, so copies land on other
days than their sources) is cut into `--days` files of `--per-day` documents. Day k runs with
days 1..k-1 as references; then one run goes over all days at once. Prints each day's time,
the last day's time over the first's, and whether the groups (ok documents sharing a
canonical) equal those of the single run.

    python benchmarks/incremental.py --days 10 --per-day 10000 --workers 2 /tmp/incr
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import samestory  # noqa: E402
from benchmarks.synthetic import generate, write_jsonl  # noqa: E402
from samestory import Settings  # noqa: E402
from samestory.group import connected_groups  # noqa: E402


def groups_of(tables: list) -> set[frozenset[str]]:
    """Groups as the cluster_id columns state them: ok documents sharing a canonical."""
    members: dict[str, set[str]] = {}
    for table in tables:
        for doc_id, cluster, status in zip(table.column("doc_id").to_pylist(), table.column("cluster_id").to_pylist(),
                                           table.column("status").to_pylist()):
            if status == "ok":
                members.setdefault(cluster, {cluster}).add(doc_id)
    return {frozenset(m) for m in members.values() if len(m) > 1}


def components_of(pair_tables: list) -> set[frozenset[str]]:
    """Groups as connected components of the verified pairs (doc_ids are unique across runs)."""
    pair_tables = list(pair_tables)  # may be a generator: read twice below
    a = [x for t in pair_tables for x in t.column("doc_a").to_pylist()]
    b = [x for t in pair_tables for x in t.column("doc_b").to_pylist()]
    ids = sorted(set(a) | set(b))
    row = {d: k for k, d in enumerate(ids)}
    labels = connected_groups(len(ids), [row[x] for x in a], [row[x] for x in b])
    out: dict[int, set[str]] = {}
    for doc, label in zip(ids, labels.tolist()):
        out.setdefault(label, set()).add(doc)
    return {frozenset(m) for m in out.values()}


def pair_set(pair_tables: list) -> set[tuple[str, str, str]]:
    return {(a, b, r) for t in pair_tables for a, b, r in zip(
        t.column("doc_a").to_pylist(), t.column("doc_b").to_pylist(), t.column("relation").to_pylist())}


def repeat_ends(root: Path, days: int, settings: Settings, times: int) -> dict:
    """The first day (no reference) and the last (every earlier day as reference), timed
    alternately so both see the same machine load; medians and their ratio."""
    first, last = [], []
    refs = [root / f"out{d + 1:02d}" for d in range(days - 1)]
    for _ in range(times):
        for day, references, sink in ((1, [], first), (days, refs, last)):
            out = root / "repeat"
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            samestory.run(root / "inputs" / f"day{day:02d}.jsonl", out=out, settings=settings, references=references)
            sink.append(time.perf_counter() - t0)
    median = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    return {"repeat_first_s": [round(x, 2) for x in first], "repeat_last_s": [round(x, 2) for x in last],
            "repeat_median_ratio": round(median(last) / median(first), 3) if times else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--per-day", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rewrites", action="store_true", help="also run the rewrite tier (off: lexical path)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="then time the first and the last day again, alternately, this many times (medians)")
    ap.add_argument("--only-repeat", action="store_true", help="reuse WORKDIR's inputs and daily outputs; only --repeat")
    args = ap.parse_args()
    if args.only_repeat:
        settings = Settings().replace(run={"workers": args.workers, "progress": False},
                                      rewrite={"enabled": args.rewrites}, report={"enabled": False})
        print(json.dumps(repeat_ends(args.workdir, args.days, settings, args.repeat), indent=1))
        return

    root = args.workdir
    shutil.rmtree(root, ignore_errors=True)
    inputs = root / "inputs"
    records, _ = generate(args.days * args.per_day, seed=args.seed)
    for d in range(args.days):
        write_jsonl(records[d * args.per_day:(d + 1) * args.per_day], inputs / f"day{d + 1:02d}.jsonl")
    del records
    settings = Settings().replace(run={"workers": args.workers, "progress": False},
                                  rewrite={"enabled": args.rewrites}, report={"enabled": False})

    outs, seconds, day_tables, day_pairs = [], [], [], []
    for d in range(args.days):
        out = root / f"out{d + 1:02d}"
        t0 = time.perf_counter()
        result = samestory.run(inputs / f"day{d + 1:02d}.jsonl", out=out, settings=settings, references=outs)
        seconds.append(time.perf_counter() - t0)
        outs.append(out)
        day_tables.append(result.documents)
        day_pairs.append(result.pairs)
        print(f"day {d + 1:2d}: {seconds[-1]:6.1f} s  ({len(outs) - 1} references, "
              f"{result.summary['duplicates']} duplicates)", flush=True)
    t0 = time.perf_counter()
    whole = samestory.run(inputs, out=root / "all", settings=settings)
    all_seconds = time.perf_counter() - t0
    print(f"one run over all {args.days * args.per_day:,}: {all_seconds:.1f} s", flush=True)

    incremental, single = components_of(day_pairs), components_of([whole.pairs])
    stated, stated_single = groups_of(day_tables), groups_of([whole.documents])
    summary = {
        "days": args.days, "per_day": args.per_day, "workers": args.workers, "rewrites": args.rewrites,
        "seconds_per_day": [round(s, 2) for s in seconds], "last_over_first": round(seconds[-1] / seconds[0], 3),
        "single_run_seconds": round(all_seconds, 2), "groups_incremental": len(incremental),
        "groups_single_run": len(single), "same_groups": incremental == single,
        "only_incremental": len(incremental - single), "only_single": len(single - incremental),
        "same_pairs": pair_set(day_pairs) == pair_set([whole.pairs]),
        # a new document that joins two groups of earlier days: those days' cluster_ids stay as they were
        "groups_split_across_reference_clusters": len(stated_single - stated),
    }
    summary.update(repeat_ends(root, args.days, settings, args.repeat))
    print(json.dumps(summary, indent=1))
    (root / "incremental.json").write_text(json.dumps(summary, indent=1) + "\n")


if __name__ == "__main__":
    main()
