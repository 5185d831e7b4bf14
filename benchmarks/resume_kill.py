"""kill -9 a run at random moments, resume it, and compare every output byte for byte.

An uninterrupted run of a synthetic corpus gives the reference outputs and its wall time T;
then, for each of `--kills` moments drawn uniformly in (0.02 T, 0.8 T) (a loaded machine can finish sooner than T), a fresh run is started as its own
process group, SIGKILLed at that moment, and run again with `--resume`. Prints, per kill, what
the killed run had reached (shards written, final rows, outputs) and whether the resumed
outputs are identical. A run that ends before its moment is started again with the moment cut
to 0.6 of it (up to 5 times), so the kills land inside runs whatever the machine's load.

    python benchmarks/resume_kill.py --docs 50000 --kills 10 --workers 2 /tmp/resume-bench
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import generate, write_jsonl  # noqa: E402

OUTPUTS = ("documents.parquet", "pairs.parquet", "boilerplate.parquet", "deduplicated/part-00000.parquet", "run.json", "report.html")


def command(corpus: Path, out: Path, workers: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "samestory.cli", "run", str(corpus), "--out", str(out), "--workers", str(workers),
            "--no-rewrites", "--quiet", *extra]


def comparable(path: Path) -> bytes:
    """A file's bytes; run.json without "timings" (the one field that varies between runs)."""
    if path.name != "run.json":
        return path.read_bytes()
    record = json.loads(path.read_text(encoding="utf-8"))
    record.pop("timings", None)
    return json.dumps(record, sort_keys=True).encode()


def state(out: Path) -> str:
    work = out / "_work"
    shards = len(list(work.glob("first-*.parquet"))) if work.exists() else 0
    final = (work / "final.parquet").exists()
    outputs = [name for name in OUTPUTS if (out / name).exists()]
    return f"{shards} shards, final rows {'written' if final else 'not written'}, outputs: {', '.join(outputs) or 'none'}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--docs", type=int, default=50_000)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    root = args.workdir
    shutil.rmtree(root, ignore_errors=True)
    corpus = root / "corpus.jsonl"
    records, _ = generate(args.docs, seed=args.seed)
    write_jsonl(records, corpus)
    del records
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}

    clean = root / "clean"
    t0 = time.perf_counter()
    subprocess.run(command(corpus, clean, args.workers), env=env, check=True)
    total = time.perf_counter() - t0
    print(f"uninterrupted run: {total:.1f} s", flush=True)
    rng = random.Random(args.seed)
    results = []
    for k, moment in enumerate(sorted(rng.uniform(0.02 * total, 0.8 * total) for _ in range(args.kills))):
        out = root / f"kill{k}"
        for _ in range(5):  # a run that ends before its moment (machine less loaded than for T) is retried earlier
            shutil.rmtree(out, ignore_errors=True)
            proc = subprocess.Popen(command(corpus, out, args.workers), env=env, start_new_session=True)
            try:
                proc.wait(timeout=moment)
                killed = False
                moment *= 0.6
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                killed = True
                break
        reached = state(out)
        t1 = time.perf_counter()
        subprocess.run(command(corpus, out, args.workers, "--resume"), env=env, check=True)
        resumed = time.perf_counter() - t1
        same = all(comparable(out / n) == comparable(clean / n) for n in OUTPUTS)
        results.append({"kill_at_s": round(moment, 2), "killed": killed, "reached": reached,
                        "resume_s": round(resumed, 1), "identical": same})
        print(json.dumps(results[-1]), flush=True)
        shutil.rmtree(out)
    summary = {"docs": args.docs, "workers": args.workers, "uninterrupted_s": round(total, 1),
               "kills": len(results), "all_identical": all(r["identical"] for r in results), "runs": results}
    (root / "resume_kill.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"all identical: {summary['all_identical']}")


if __name__ == "__main__":
    main()
