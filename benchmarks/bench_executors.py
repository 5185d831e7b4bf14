"""The lexical path through each executor: local process pool vs Ray, same corpus, same run.

    python benchmarks/bench_executors.py 100000 [--workers 2] [--rounds 2] [--seed 0]

Generates (or reuses) the bench_text.py corpus of ~500-word documents with planted copies,
then runs `samestory run --no-rewrites --no-report` with `--executor local`, with
`--executor ray` (a private Ray instance started by the run), and with `--executor ray
--ray-address` on the two-node cluster of scripts/ray_cluster.sh (started here, one node per
worker's CPU, stopped at the end). Rounds alternate the executors so that load from other
processes weighs on all alike. Prints wall seconds per run, the median per executor, its
ratio to the local one, and whether every output file is byte-identical to the local run's
(run.json's `run` section and timings aside, which record how the run ran).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.measure import run_measured  # noqa: E402
from benchmarks.synthetic import generate, write_jsonl  # noqa: E402

CLUSTER = HERE.parent / "scripts" / "ray_cluster.sh"


def _output_files(out: Path) -> list[str]:
    """Every output file (the corpus is a folder of shards), the work folder `_work/` left out."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and "_work" not in p.relative_to(out).parts)


def same_outputs(a: Path, b: Path) -> bool:
    names = _output_files(a)
    if names != _output_files(b):
        return False
    for name in names:
        x, y = (a / name).read_bytes(), (b / name).read_bytes()
        if name == "run.json":
            x, y = (json.loads(v) for v in (x, y))
            for manifest in (x, y):  # how the run ran and how long it took differ; nothing else may
                manifest["settings"].pop("run")
                manifest.pop("timings", None)
        if x != y:
            return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=HERE / "data")
    args = ap.parse_args()
    corpus = args.data / f"synth-{args.n}-s{args.seed}.jsonl"
    if not corpus.exists():
        write_jsonl(generate(args.n, args.seed)[0], corpus)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))}
    tmp = Path(tempfile.mkdtemp(prefix="ssbench-"))
    cluster_dir = tmp / "ray"
    cluster_env = {**env, "RAY_CLUSTER_CPUS": "1", "RAY_CLUSTER_OBJECT_STORE_BYTES": str(1 << 30)}
    address = subprocess.run(["bash", str(CLUSTER), "start", str(cluster_dir)], env=cluster_env, check=True,
                             capture_output=True, text=True).stdout.strip()
    executors = {
        "local": ["--executor", "local"],
        "ray, private instance": ["--executor", "ray"],
        "ray, two-node cluster": ["--executor", "ray", "--ray-address", address],
    }
    walls: dict[str, list[float]] = {name: [] for name in executors}
    identical: dict[str, bool] = {}
    try:
        for round_ in range(args.rounds):
            for k, (name, options) in enumerate(executors.items()):
                out = tmp / f"out-{k}"
                cmd = [sys.executable, "-m", "samestory.cli", "run", str(corpus), "--out", str(out), "--quiet",
                       "--overwrite", "--no-rewrites", "--no-report", "--workers", str(args.workers), *options]
                walls[name].append(run_measured(cmd, env=env)["wall_s"])
                print(f"round {round_ + 1}: {name}: {walls[name][-1]:.1f} s", file=sys.stderr, flush=True)
                if round_ == 0 and k:
                    identical[name] = same_outputs(tmp / "out-0", out)
    finally:
        subprocess.run(["bash", str(CLUSTER), "stop", str(cluster_dir)], check=False)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.n:,} documents, --workers {args.workers}, {args.rounds} rounds")
    print("| executor | wall s (each round) | median s | × local | outputs identical to local |")
    print("|---|---|---:|---:|---|")
    base = statistics.median(walls["local"])
    for name, values in walls.items():
        median = statistics.median(values)
        same = "–" if name == "local" else ("yes" if identical.get(name) else "NO")
        print(f"| {name} | {', '.join(f'{v:.1f}' for v in values)} | {median:.1f} | {median / base:.2f} | {same} |")


if __name__ == "__main__":
    main()
