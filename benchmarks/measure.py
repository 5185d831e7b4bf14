"""Run a command and report wall time and the peak memory of its whole process tree.

Memory is sampled every 50 ms from /proc and summed over the process and all its descendants
(samestory's worker processes included). Two sums are kept: RSS (counts pages that forked
workers share with their parent once per process, so it over-counts) and PSS (each shared
page split between the processes sharing it: what the tree really holds).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path


def children(pid: int) -> list[int]:
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return kids


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) summed over the process tree."""
    rss = pss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        rss += _rss_kb(p)
        pss += pss_kb(p)
        stack.extend(children(p))
    return rss, pss


def run_measured(cmd: list[str], cwd: str | Path | None = None, env: dict | None = None) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = peak_pss = 0
    while proc.poll() is None:
        rss, pss = tree_memory_kb(proc.pid)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"wall_s": wall, "peak_rss_mb": peak / 1024, "peak_pss_mb": peak_pss / 1024, "stdout": out, "stderr": err}
