"""Read tasks (samestory/read/tasks.py): what planning costs, and what a worker reads per second.

    python benchmarks/read_tasks.py make DIR [--docs 100000] [--warc-docs 20000]
        DIR/corpus.jsonl (benchmarks/synthetic.py, seeded) and DIR/crawl.warc.gz (the same kind
        of texts as HTML pages, one 2xx response record per gzip member, as Common Crawl writes)
    python benchmarks/read_tasks.py measure DIR [--target-mb 16] [--json OUT]
        per corpus: planning time (median of 5) and tasks, the same plan on a sparse file of
        the same size (the planner's cost does not depend on what a file holds), the scans'
        time, and one process reading every task against one process reading every file whole
        (today's reader), alternated 3 times: documents/s and MB/s per worker
    python benchmarks/read_tasks.py read PATH [--whole | --workers N] [--target-mb 16]
        one whole read, for timing as a process: by tasks in a pool of N worker processes
        (plan, scans and reads; each worker sends back 8 bytes per document, a hash, as a plan's
        worker would keep its documents) or whole in this process; prints the documents and a
        digest of (doc_id, kind, reason, content) in order, which both ways must share
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import xxhash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from samestory.config import ReadSettings  # noqa: E402
from samestory.read import iter_documents, plan_read_tasks, read_plan, read_task, scan_read_task  # noqa: E402


def make(folder: Path, docs: int, warc_docs: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from benchmarks.synthetic import generate, write_jsonl

    folder.mkdir(parents=True, exist_ok=True)
    records, _ = generate(docs, seed=0)
    write_jsonl(records, folder / "corpus.jsonl")
    del records
    pages, _ = generate(warc_docs, seed=1)
    with open(folder / "crawl.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "benchmarks/read_tasks.py"}))
        for i, record in enumerate(pages):
            body = "".join(f"<p>{p}</p>" for p in record["text"].split("\n\n"))
            html = (f"<html><head><title>Page {i}</title></head><body><nav>Home | News | Sport</nav>"
                    f"<article>{body}</article><footer>(c) site {i % 50}</footer></body></html>").encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://s{i % 50}.example/{i}", "response",
                                                          payload=io.BytesIO(html), http_headers=http))
    for name in ("corpus.jsonl", "crawl.warc.gz"):
        print(f"{folder / name}: {(folder / name).stat().st_size / 1e6:.1f} MB")


def _row_hash(doc) -> int:
    h = xxhash.xxh3_64()
    for value in (doc.doc_id, doc.kind, doc.reason or "", doc.content or ""):
        h.update(value.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.intdigest()


def _task_hashes(task, read) -> np.ndarray:
    return np.fromiter((_row_hash(d) for d in read_task(task, read)), dtype=np.uint64)


def read_command(path: Path, whole: bool, workers: int, target: int) -> None:
    read = ReadSettings()
    started = time.perf_counter()
    if whole:
        hashes = np.fromiter((_row_hash(d) for d in iter_documents([path])), dtype=np.uint64)
        tasks = 1
    else:
        with ProcessPoolExecutor(workers) as pool:
            plan = read_plan([path], read, (), target, map=pool.map)
            hashes = np.concatenate(list(pool.map(_task_hashes, plan, [read] * len(plan), chunksize=1)))
        tasks = len(plan)
    seconds = time.perf_counter() - started
    print(json.dumps({"path": str(path), "whole": whole, "workers": 1 if whole else workers, "tasks": tasks,
                      "documents": len(hashes), "digest": xxhash.xxh3_64_hexdigest(hashes.tobytes()),
                      "seconds": round(seconds, 2)}))


def _median_time(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(folder: Path, target: int, out: Path | None) -> None:
    read = ReadSettings()
    results = {"target_bytes": target, "loadavg": open("/proc/loadavg").read().split()[:3], "corpora": {}}
    for name in ("corpus.jsonl", "crawl.warc.gz"):
        path = folder / name
        size = path.stat().st_size
        plan_s = _median_time(lambda: plan_read_tasks([path], read, (), target))
        tasks = plan_read_tasks([path], read, (), target)
        sparse = folder / f"sparse-{name}"
        with open(sparse, "wb") as fh:  # the same size, other bytes (a JSON head, then zeros)
            fh.write(b'{"text": "x"}\n' if name.endswith(".jsonl") else b"")
            fh.truncate(size)
        sparse_s = _median_time(lambda: plan_read_tasks([sparse], read, (), target))
        sparse.unlink()
        t = time.perf_counter()
        scans = {task.index: scan_read_task(task, read) for task in tasks if task.needs_scan}
        scan_s = time.perf_counter() - t
        from samestory.read import number_read_tasks

        numbered = number_read_tasks(tasks, scans, read)
        rounds = []
        for _ in range(3):  # A (whole, today's reader) and B (every task) in turn
            t = time.perf_counter()
            whole_docs = sum(1 for _ in iter_documents([path]))
            whole_s = time.perf_counter() - t
            t = time.perf_counter()
            task_docs = sum(1 for task in numbered for _ in read_task(task, read))
            task_s = time.perf_counter() - t
            assert whole_docs == task_docs
            rounds.append((whole_s, task_s))
        whole_s = statistics.median(r[0] for r in rounds)
        task_s = statistics.median(r[1] for r in rounds)
        results["corpora"][name] = {
            "bytes": size, "documents": whole_docs, "tasks": len(numbered),
            "plan_ms": round(plan_s * 1e3, 2), "plan_sparse_ms": round(sparse_s * 1e3, 2),
            "scan_s": round(scan_s, 3), "scan_share_of_read": round(scan_s / task_s, 3),
            "read_whole_s": round(whole_s, 2), "read_tasks_s": round(task_s, 2),
            "tasks_over_whole": round(task_s / whole_s, 3),
            "docs_per_s_per_worker": round(task_docs / task_s), "mb_per_s_per_worker": round(size / 1e6 / task_s, 1),
        }
        print(name, json.dumps(results["corpora"][name]), flush=True)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make")
    m.add_argument("dir", type=Path)
    m.add_argument("--docs", type=int, default=100_000)
    m.add_argument("--warc-docs", type=int, default=20_000)
    s = sub.add_parser("measure")
    s.add_argument("dir", type=Path)
    s.add_argument("--target-mb", type=float, default=16)
    s.add_argument("--json", type=Path)
    r = sub.add_parser("read")
    r.add_argument("path", type=Path)
    r.add_argument("--whole", action="store_true")
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--target-mb", type=float, default=16)
    args = ap.parse_args()
    if args.command == "make":
        make(args.dir, args.docs, args.warc_docs)
    elif args.command == "measure":
        measure(args.dir, int(args.target_mb * (1 << 20)), args.json)
    else:
        read_command(args.path, args.whole, args.workers, int(args.target_mb * (1 << 20)))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
