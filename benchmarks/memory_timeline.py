"""Where a run's memory goes: the driver's and the workers' PSS per stage.

Runs `samestory run CORPUS --out OUT --quiet -v --log-file LOG` (plus any extra arguments),
samples the PSS of the driver process and the sum over its worker processes every 0.5 s
(benchmarks/measure.py), and splits the samples by the stage-end lines of the log. Prints a
markdown table: each stage's seconds and the peak PSS of the driver, of the workers, and of
the whole process tree (driver + workers in one sample) in it.

    python benchmarks/memory_timeline.py benchmarks/data/synth-1000000-s0.jsonl /tmp/out -- --no-rewrites --no-report -w 2
"""

from __future__ import annotations

import argparse
import os
import resource
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import children, pss_kb  # noqa: E402

# "2026-11-29 13:09:39,691 INFO samestory: read clean: documents 1,000,000, ..., 164.9 s"
_STAGE_END = re.compile(r"^(\S+ \S+) INFO samestory: ([a-z ]+): .*?([\d.]+) s$")


DRIVER_CPU = 0.0  # the driver's own CPU seconds, at its last sample


def _cpu_seconds(pid: int) -> float | None:
    """utime + stime of one process (not its children), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sample(cmd: list[str], interval: float = 0.5) -> tuple[float, list[tuple[float, int, int]]]:
    """(start time, [(seconds since start, driver PSS kB, workers' PSS kB)]) while `cmd` runs."""
    start = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    samples = []
    global DRIVER_CPU
    while proc.poll() is None:
        workers = sum(pss_kb(p) for p in children(proc.pid))
        samples.append((time.time() - start, pss_kb(proc.pid), workers))
        DRIVER_CPU = _cpu_seconds(proc.pid) or DRIVER_CPU
        time.sleep(interval)
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"samestory run failed ({proc.returncode}):\n{err[-2000:]}")
    return start, samples


def stage_ends(log: Path, start: float) -> list[tuple[str, float, float]]:
    """(stage, seconds since start at its end, its own seconds) from the log's stage-end lines."""
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        match = _STAGE_END.match(line)
        if match:
            when = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            out.append((match.group(2), when - start, float(match.group(3))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("extra", nargs="*", help="more `samestory run` arguments, after --")
    args = ap.parse_args()
    log = args.out.parent / (args.out.name + ".log")
    log.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "samestory.cli", "run", str(args.corpus), "--out", str(args.out), "--overwrite",
           "--quiet", "-v", "--log-file", str(log), *args.extra]
    start, samples = sample(cmd)
    print(f"{' '.join(cmd[2:])}: {samples[-1][0] if samples else 0:.1f} s")
    print("| stage | seconds | ends at s | driver peak PSS MB | workers' peak PSS MB | tree peak PSS MB (same sample) |")
    print("|---|---:|---:|---:|---:|---:|")
    begin = 0.0
    for stage, end, seconds in stage_ends(log, start):
        inside = [s for s in samples if begin <= s[0] <= end] or [(0, 0, 0)]
        print(f"| {stage} | {seconds:.1f} | {end:.1f} | {max(s[1] for s in inside) / 1024:,.0f} | "
              f"{max(s[2] for s in inside) / 1024:,.0f} | {max(s[1] + s[2] for s in inside) / 1024:,.0f} |")
        begin = end
    tree = resource.getrusage(resource.RUSAGE_CHILDREN)
    tree_cpu = tree.ru_utime + tree.ru_stime
    print(f"driver CPU {DRIVER_CPU:.1f} s of the tree's {tree_cpu:.1f} s ({100 * DRIVER_CPU / max(tree_cpu, 1e-9):.1f} %)")
    print(f"| whole run | | | {max(s[1] for s in samples) / 1024:,.0f} | {max(s[2] for s in samples) / 1024:,.0f} | "
          f"{max(s[1] + s[2] for s in samples) / 1024:,.0f} |")


if __name__ == "__main__":
    main()
