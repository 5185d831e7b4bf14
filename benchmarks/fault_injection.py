"""Faults at random moments, each run resumed, every output compared byte for byte.

For each mode (`lexical`: --no-rewrites; `rewrite`: with the rewrite tier) one uninterrupted
run gives the reference outputs and its wall time T. Then `--runs` runs (half in each mode),
each hit at a moment drawn uniformly in (0.05 T, 0.9 T) by one fault, in turn:

- `kill-driver`: SIGKILL of the main process alone (its workers must die with it);
- `kill-worker`: SIGKILL of one of its worker processes, picked at random (the executor runs
  the dead worker's batches again: the run should finish by itself);
- `disk-full`: --out is on a tmpfs of its own, which a filler file fills at that moment (the
  run must end with one line naming the full disk); the filler is removed afterwards.

Every run is then given `samestory run ... --resume` (for a run that finished anyway, that
checks that --resume leaves a finished run alone) and its outputs are compared with the
reference's, byte for byte (run.json without "timings"). Also checked: the faulted run's
stderr (one `error:` line and no traceback for a disk-full run), no process of the run left
alive, no temporary file (`.tmp`, `.partial`) left after the resume, no lock file left.
A run that ends before its moment is started again with the moment cut to 0.6 of it (up to 5
times), so the faults land inside runs whatever the machine's load.

The tmpfs needs a private mount namespace: the script re-runs itself under `unshare -m`
(root, or a kernel that allows user namespaces); without one, disk-full runs are skipped and
the summary says so.

    python benchmarks/fault_injection.py --runs 20 --docs 3000 /tmp/fault-bench
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

FAULTS = ("kill-driver", "kill-worker", "disk-full")
_NAMESPACE_FLAG = "SAMESTORY_FAULT_BENCH_NS"


def command(corpus: Path, out: Path, mode: str, workers: int, config: Path, *extra: str) -> list[str]:
    tier = ["--no-rewrites"] if mode == "lexical" else []
    return [sys.executable, "-m", "samestory.cli", "run", str(corpus), "--out", str(out), "--workers", str(workers),
            "--config", str(config), "--no-report", *tier, *extra]


def comparable(path: Path) -> bytes:
    if path.name != "run.json":
        return path.read_bytes()
    record = json.loads(path.read_text(encoding="utf-8"))
    record.pop("timings", None)
    return json.dumps(record, sort_keys=True).encode()


def output_files(out: Path) -> dict[str, Path]:
    return {p.relative_to(out).as_posix(): p for p in sorted(out.rglob("*"))
            if p.is_file() and "_work" not in p.relative_to(out).parts and not p.name.startswith(".")}


def differences(a: Path, b: Path) -> list[str]:
    files_a, files_b = output_files(a), output_files(b)
    if sorted(files_a) != sorted(files_b):
        return [f"files differ: {sorted(set(files_a) ^ set(files_b))}"]
    return [name for name, path in files_a.items() if comparable(path) != comparable(files_b[name])]


def leftovers(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.name.endswith((".tmp", ".partial")) or p.name == ".samestory.lock")


def descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {c for c, p in parents.items() if p in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def fill(folder: Path) -> Path:
    """Write zeros into `folder` until its file system is full."""
    filler = folder / "filler"
    block = b"\0" * (1 << 20)
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(block)
        except OSError:
            pass
    with open(filler, "ab", buffering=0) as fh:  # and the last partial block
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def build_corpus(root: Path, docs: int, seed: int) -> tuple[Path, Path]:
    """A synthetic JSONL corpus (planted exact/near/partial copies) for both modes, and for the
    rewrite mode, beside it, spun copies of real English pages (benchmarks/rewrite_corpus.py,
    from extraction-dev: the rewrite tier gets real work); examples/ where that data is missing."""
    lexical = root / "lexical"
    lexical.mkdir(parents=True)
    records, _ = generate(docs, seed=seed)
    write_jsonl(records, lexical / "corpus.jsonl")
    rewrite = root / "rewrite"
    shutil.copytree(lexical, rewrite)
    try:
        from benchmarks.rewrite_corpus import build

        pairs = [p for p in build(seed=seed, max_pages=40)
                 if p["kind"] in ("spin", "spin-reorder", "spin-drop", "mangled", "short-revision")][:60]
        with open(rewrite / "rewrites.jsonl", "w", encoding="utf-8") as fh:
            for p in pairs:
                for side in ("a", "b"):
                    fh.write(json.dumps({"id": f"{p['id']}-{side}", "text": p[f"text_{side}"]}) + "\n")
    except (OSError, ImportError) as exc:
        print(f"(rewrite pairs from extraction-dev unavailable: {exc}; using examples/)", flush=True)
        shutil.copytree(ROOT / "examples", rewrite / "examples")
    return lexical, rewrite


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=100, help="records per batch (shard): more shards, more moments")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if os.environ.get(_NAMESPACE_FLAG) is None and shutil.which("unshare"):
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
        if probe.returncode == 0:  # a private mount namespace: the tmpfs mounts end with the script
            os.execvpe("unshare", ["unshare", "-m", sys.executable, *sys.argv], {**os.environ, _NAMESPACE_FLAG: "1"})
    root = args.workdir
    shutil.rmtree(root, ignore_errors=True)
    corpora = dict(zip(("lexical", "rewrite"), build_corpus(root / "corpus", args.docs, args.seed)))
    config = root / "settings.toml"
    config.write_text(f"[read]\nbatch_size = {args.batch_size}\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}

    reference, seconds, sizes = {}, {}, {}
    for mode, corpus in corpora.items():
        out = root / f"clean-{mode}"
        t0 = time.perf_counter()
        subprocess.run(command(corpus, out, mode, args.workers, config), env=env, check=True, stderr=subprocess.DEVNULL)
        seconds[mode] = time.perf_counter() - t0
        sizes[mode] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        reference[mode] = out
        print(f"uninterrupted {mode} run: {seconds[mode]:.1f} s, {sizes[mode] / 1e6:.1f} MB in --out", flush=True)

    can_mount = os.environ.get(_NAMESPACE_FLAG) == "1"
    rng = random.Random(args.seed)
    results = []
    for k in range(args.runs):
        mode = ("lexical", "rewrite")[k % 2]
        fault = FAULTS[(k // 2) % len(FAULTS)]
        if fault == "disk-full" and not can_mount:
            fault = "kill-driver"
        base = root / f"run{k:02d}"
        base.mkdir()
        if fault == "disk-full":
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={int(sizes[mode] * 3) + (8 << 20)}", "tmpfs", str(base)],
                           check=True)
        out = base / "out"
        moment = rng.uniform(0.05 * seconds[mode], 0.9 * seconds[mode])
        record = {"run": k, "mode": mode, "fault": fault}
        for attempt in range(5):
            shutil.rmtree(out, ignore_errors=True)
            for stray in base.glob("filler"):
                stray.unlink()
            proc = subprocess.Popen(command(corpora[mode], out, mode, args.workers, config), env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                proc.wait(timeout=moment)
                moment *= 0.6
                continue  # finished before the fault: again, earlier
            except subprocess.TimeoutExpired:
                pass
            processes = descendants(proc.pid)
            filler = None
            if fault == "kill-driver":
                os.kill(proc.pid, signal.SIGKILL)
                what = "driver killed"
            elif fault == "kill-worker":
                workers = sorted(p for p in processes if alive(p))
                if not workers:  # between stages with no pool, or a one-process stage: later
                    proc.kill()
                    proc.wait()
                    moment *= 0.9
                    continue
                victim = rng.choice(workers)
                os.kill(victim, signal.SIGKILL)
                what = f"worker {victim} killed"
            else:
                filler = fill(base)
                what = "disk filled"
            try:
                _, stderr = proc.communicate(timeout=600)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, stderr = proc.communicate()
            time.sleep(1)
            processes |= descendants(proc.pid)
            record.update(at_s=round(moment, 2), attempt=attempt + 1, what=what, exit=proc.returncode,
                          left_alive=len([p for p in processes if alive(p)]))
            errors = [line for line in stderr.splitlines() if line.startswith("error:")]
            record["error_line"] = errors[-1] if errors else None
            record["traceback"] = "Traceback" in stderr
            if fault == "kill-worker":
                record["worker_note"] = "a worker process died" in stderr
            if fault == "disk-full":
                record["one_line"] = proc.returncode == 0 or (len(errors) == 1 and "no space left" in errors[0])
            if filler is not None:
                filler.unlink()
            break
        else:
            record.update(what="the run always ended before the fault", exit=0)
        t1 = time.perf_counter()
        resumed = subprocess.run(command(corpora[mode], out, mode, args.workers, config, "--resume"), env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        record.update(resume_exit=resumed.returncode, resume_s=round(time.perf_counter() - t1, 1),
                      took_over_lock="took over the lock" in resumed.stderr,
                      finished_note="is finished: nothing to resume" in resumed.stderr)
        record["different"] = differences(out, reference[mode]) if resumed.returncode == 0 else ["resume failed"]
        record["leftovers"] = leftovers(out)
        record["identical"] = not record["different"]
        ok = record["identical"] and not record["leftovers"] and not record.get("left_alive") and not record.get("traceback") \
            and record.get("one_line", True)
        record["ok"] = ok
        if not ok:
            record["resume_stderr"] = resumed.stderr[-500:]
        print(json.dumps(record), flush=True)
        results.append(record)
        if fault == "disk-full":
            subprocess.run(["umount", str(base)], check=False)
        shutil.rmtree(base, ignore_errors=True)
    summary = {
        "docs": args.docs, "workers": args.workers, "batch_size": args.batch_size, "uninterrupted_s": seconds,
        "runs": len(results), "identical": sum(r["identical"] for r in results), "ok": sum(r["ok"] for r in results),
        "by_fault": {f: sum(1 for r in results if r["fault"] == f) for f in FAULTS},
        "disk_full_skipped": not can_mount, "results": results,
    }
    (root / "fault_injection.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"{summary['identical']} of {summary['runs']} identical, {summary['ok']} of {summary['runs']} with every check passed")


if __name__ == "__main__":
    main()
