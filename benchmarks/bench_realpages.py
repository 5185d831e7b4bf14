"""The rewrite tier on the real-page development set (benchmarks/realpage_set.py): what it
merges, what it misses and where, and what it costs against `--no-rewrites`.

    PYTHONPATH=$PWD python benchmarks/bench_realpages.py [--workers 2] [--json OUT] [--no-timing]

1. Two runs of samestory over the set's records (in memory, no report): the rewrite tier on,
   and off (`--no-rewrites`); wall time, CPU time (this process and its workers) and the ratio.
2. Merges: every pair of documents in one group, counted as a true merge (one story) or a
   false one, by the kinds of its two documents; recall over the same-story pairs of the
   English WMT versions (pairwise, through groups).
3. Where each missed WMT pair is lost: the tier's cascade run again on the same texts, lexical
   pairs, languages and shared lines, with find_rewrites' `trace`: not a candidate, language
   gate, lexical screen, static screen, or the judge (below the floor, or the score).
Also the revision texts of tests/revision_texts.py (light, heavy, independent), the same way.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import samestory  # noqa: E402
from benchmarks.realpage_set import build  # noqa: E402
from samestory import Settings  # noqa: E402


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def records(docs) -> list[dict]:
    return [{"id": d.id, "url": d.url, "text": d.text} for d in docs]


def timed_run(docs, settings: Settings):
    t0, c0 = time.perf_counter(), cpu_seconds()
    result = samestory.run(records(docs), settings=settings)
    return result, time.perf_counter() - t0, cpu_seconds() - c0


def merges(result, docs) -> dict:
    """Pairs of documents in one group: true (same story) and false ones by kinds; recall per kind."""
    table = result.documents
    ids = table.column("doc_id").to_pylist()
    cluster = dict(zip(ids, table.column("cluster_id").to_pylist()))
    by_id = {f"records#{d.id}": d for d in docs}
    groups = collections.defaultdict(list)
    for doc_id, c in cluster.items():
        if c is not None:
            groups[c].append(by_id[doc_id])
    false = collections.Counter()
    false_examples = collections.defaultdict(list)
    for members in groups.values():
        for x, y in itertools.combinations(members, 2):
            if x.story != y.story:
                key = "+".join(sorted((x.kind, y.kind)))
                false[key] += 1
                if len(false_examples[key]) < 3:
                    false_examples[key].append((x.id, y.id))
    stories = collections.defaultdict(list)
    for d in docs:
        stories[(d.kind, d.story)].append(f"records#{d.id}")
    recall = {}
    for kind in sorted({d.kind for d in docs}):
        same = [(a, b) for (k, _), members in stories.items() if k == kind for a, b in itertools.combinations(members, 2)]
        if same:
            hit = sum(cluster[a] is not None and cluster[a] == cluster[b] for a, b in same)
            recall[kind] = {"pairs": len(same), "merged": hit, "recall": round(hit / len(same), 4)}
    return {"false_merges": dict(false), "false_examples": dict(false_examples), "same_story": recall}


def trace_misses(docs, lexical_result, settings: Settings) -> dict:
    """Where each same-story English WMT pair that the run did not group is lost."""
    from samestory.boilerplate import line_hashes_batch
    from samestory.language import detect_languages
    from samestory.lexical import fingerprint_batch
    from samestory.records import Pairs
    from samestory.rewrite import signature_batch
    from samestory.rewrite.find import find_rewrites
    from samestory.rewrite.prose import repeated_lines
    from samestory.plan.parts import InMemoryTexts

    texts = [d.text for d in docs]
    store = InMemoryTexts(texts)
    row_of = {f"records#{d.id}": k for k, d in enumerate(docs)}
    lexical = Pairs()
    for p in lexical_result.pairs.to_pylist():
        lexical.add(row_of[p["doc_a"]], row_of[p["doc_b"]], p["relation"], p["score"], None, None, None)
    lines = line_hashes_batch(texts, settings.boilerplate.max_words)
    offsets, hashes = repeated_lines(lines.offsets, lines.hashes)
    from samestory.clean.urls import host_of

    trace: dict = {}
    found, stats = find_rewrites(
        store, signature_batch(texts, settings.rewrite), fingerprint_batch(texts, settings.lexical).n_words,
        np.arange(len(texts)), lexical, settings.rewrite, languages=detect_languages(texts)[0],
        line_offsets=offsets, line_hashes=hashes, sites=[host_of(d.url) for d in docs],
        line_max_words=settings.boilerplate.max_words, trace=trace)
    from samestory.group import connected_groups

    rewrite = [(a, b) for a, b, r in zip(found.a, found.b, found.relation) if r == "rewrite"]
    every = [(int(a), int(b)) for a, b in zip(lexical.a, lexical.b)] + rewrite
    groups = connected_groups(len(docs), np.array([a for a, _ in every], dtype=np.int64),
                              np.array([b for _, b in every], dtype=np.int64))
    lost = collections.Counter()
    examples = collections.defaultdict(list)
    by_story = collections.defaultdict(list)
    for k, d in enumerate(docs):
        if d.kind == "wmt-en":
            by_story[d.story].append(k)
    for members in by_story.values():
        for a, b in itertools.combinations(members, 2):
            if groups[a] == groups[b]:
                continue
            step = trace.get((a, b)) or trace.get((b, a))
            if step is None:
                where = "candidates"
            elif step[0] in ("gate", "lexical"):
                where = {"gate": "language gate", "lexical": "lexical screen"}[step[0]]
            elif step[0] == "static":
                where = "static screen" + (f" ({step[2]})" if step[2] else "")
            else:
                where = f"judge ({step[2]})"
            lost[where] += 1
            if len(examples[where]) < 4:
                examples[where].append((docs[a].id, docs[b].id, step[3] if step and len(step) > 3 else None))
    return {"lost_at": dict(lost), "examples": dict(examples), "stats": stats.__dict__}


def revisions(settings: Settings) -> dict:
    """The hand-written revisions: which pairs are rewrites, and the judge's figures."""
    from tests.revision_texts import HEAVY, INDEPENDENT, LIGHT, SOURCES

    recs = [{"id": f"{k}/{kind}", "text": texts[k]} for k in SOURCES
            for kind, texts in (("source", SOURCES), ("light", LIGHT), ("heavy", HEAVY), ("independent", INDEPENDENT))]
    result = samestory.run(recs, settings=settings)
    out = {}
    for p in result.pairs.to_pylist():
        d = (json.loads(p["evidence"]).get("decision") or {})
        out[f"{p['doc_a']} ~ {p['doc_b']}"] = {"relation": p["relation"], "score": p["score"], "failed": d.get("failed")}
    cluster = dict(zip(result.documents.column("doc_id").to_pylist(), result.documents.column("cluster_id").to_pylist()))
    same = lambda x, y: cluster[f"records#{x}"] == cluster[f"records#{y}"]  # noqa: E731
    summary = {kind: f"{sum(same(f'{k}/source', f'{k}/{kind}') for k in SOURCES)}/{len(SOURCES)}"
               for kind in ("light", "heavy", "independent")}
    return {"merged_with_source": summary, "pairs": out}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-timing", action="store_true", help="skip the --no-rewrites timing run")
    args = ap.parse_args()
    docs = build()
    settings = Settings().replace(run={"workers": args.workers, "progress": False}, report={"enabled": False})
    report: dict = {"documents": len(docs), "by_kind": dict(collections.Counter(d.kind for d in docs)),
                    "load_average_before": open("/proc/loadavg").read().split()[:3]}
    off = settings.replace(rewrite={"enabled": False})
    lexical, wall_off, cpu_off = timed_run(docs, off)
    result, wall_on, cpu_on = timed_run(docs, settings)
    stats = result.rewrite_stats or {}
    ok = int(sum(s == "ok" for s in result.documents.column("status").to_pylist()))
    report["timing"] = {"rewrites_on": {"wall": round(wall_on, 1), "cpu": round(cpu_on, 1),
                                        "cpu_per_wall": round(cpu_on / wall_on, 2)},
                        "no_rewrites": {"wall": round(wall_off, 1), "cpu": round(cpu_off, 1)},
                        "ratio": round(wall_on / wall_off, 2),
                        "documents_with_candidate": round(stats.get("candidate_documents", 0) / max(ok, 1), 3)}
    report["rewrite_stats"] = stats
    report["merges"] = merges(result, docs)
    report["trace"] = trace_misses(docs, lexical, settings)
    report["revisions"] = revisions(settings)
    text = json.dumps(report, indent=1, default=str)
    if args.json:
        args.json.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
