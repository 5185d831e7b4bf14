"""CPU per document and per candidate pair, stage by stage, of one lexical-path run.

    python benchmarks/stage_costs.py corpus.jsonl [--out DIR] [--json costs.json]

Runs `samestory.run` in this process with one worker (every stage inline, so one clock sees
all of it) and the rewrite tier and report off, as `samestory run corpus --no-rewrites
--no-report -w 1` would, with a timer around each of the functions below. A stage's figure
is its *own* time: the time of the timed stages it calls is counted to them, not to it. CPU
is `time.process_time` (this process, all its threads); wall is the clock. `where` says
which process does the work in a run with workers today (`-w 2`): "worker" work is shared
by the workers, "driver" work is done by the main process alone. "pickle" is what a
multi-worker run adds to move a batch to a worker and its result back (measured here by
pickling each batch and result once, both ways; not part of a one-worker run).

The figures come with the work's volume: documents, candidate pairs and verified pairs;
verification is also given per candidate pair.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import tempfile
import time
import types
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
# samestory is imported from PYTHONPATH (or the installed package): the same script times any checkout


class Clock:
    """Own (exclusive) CPU and wall seconds per stage name, kept on a stack of open stages."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.calls: Counter = Counter()
        self.stack: list[list] = []  # [name, cpu start, wall start, child cpu, child wall]

    def enter(self, name: str) -> None:
        self.stack.append([name, time.process_time(), time.perf_counter(), 0.0, 0.0])

    def leave(self) -> None:
        name, c0, w0, child_c, child_w = self.stack.pop()
        c, w = time.process_time() - c0, time.perf_counter() - w0
        self.cpu[name] += c - child_c
        self.wall[name] += w - child_w
        self.calls[name] += 1
        if self.stack:
            self.stack[-1][3] += c
            self.stack[-1][4] += w

    def add(self, name: str, cpu: float, wall: float) -> None:
        """Time measured apart, inside the running stage: counted to `name`, not to that stage."""
        self.cpu[name] += cpu
        self.wall[name] += wall
        self.calls[name] += 1
        if self.stack:
            self.stack[-1][3] += cpu
            self.stack[-1][4] += wall

    def function(self, name: str, fn):
        def timed(*args, **kwargs):
            self.enter(name)
            try:
                return fn(*args, **kwargs)
            finally:
                self.leave()
        return timed

    def generator(self, name: str, fn):
        """A generator function whose every step is timed (its callers' time excluded)."""
        def timed(*args, **kwargs):
            it = fn(*args, **kwargs)
            while True:
                self.enter(name)
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    self.leave()
                yield item
        return timed


# (stage, where, module, attribute, kind): the functions timed, at the names their callers use
# ("a|b": whichever of the two names the code has)
STAGES = [
    ("read: files, ids, surrogates", "driver", "samestory.pipeline", "iter_documents", "gen"),
    ("read: JSON decoding", "driver", "samestory.read.formats", "iter_json_values", "gen"),
    ("read: field mapping", "driver", "samestory.read.formats", "_json_item_document", "fn"),
    ("read: batching", "driver", "samestory.stages", "_batches", "gen"),
    ("first pass: rest (texts to Arrow)", "worker", "samestory.stages", "first_pass", "fn"),
    ("clean: rest (dates, sites, metadata JSON)", "worker", "samestory.stages", "clean_batch", "fn"),
    ("clean: tidy_text", "worker", "samestory.clean", "tidy_text", "fn"),
    ("clean: chrome lines", "worker", "samestory.clean", "strip_chrome_lines", "fn"),
    ("clean: leading title", "worker", "samestory.clean", "_drop_leading_title", "fn"),
    ("line hashes: rest (encode, xxh3, Python lines)", "worker", "samestory.stages", "line_hashes_batch", "fn"),
    ("line hashes: kernel", "worker", "samestory.kernels", "line_kernel", "fn"),
    ("fingerprint: rest", "worker", "samestory.lexical", "fingerprint_batch", "fn"),
    ("shingles: rest (NFKC, casefold, encode, exact xxh3)", "worker", "samestory.lexical.fingerprints", "text_shingles", "fn"),
    ("shingles: kernel", "worker", "samestory.kernels", "shingle_kernel", "fn"),
    ("anchors: kernel", "worker", "samestory.kernels", "anchor_kernel", "fn"),
    ("shard: rest (Parquet table, write)", "worker", "samestory.workdir", "write_shard", "fn"),
    ("shard: texts file", "worker", "samestory.workdir", "write_text_file", "fn"),
    ("shard: fsync", "worker", "os", "fsync", "fn"),
    ("driver: collect batches, join fingerprints", "driver", "samestory.stages", "read_and_fingerprint", "fn"),
    ("boilerplate: learn", "driver", "samestory.stages", "learn_boilerplate", "fn"),
    ("work folder: final + index", "driver", "samestory.workdir.WorkDir", "write_final", "fn"),
    ("candidates: exact representatives", "driver", "samestory.lexical", "exact_representatives", "fn"),
    ("candidates: LSH + anchors", "driver", "samestory.lexical", "find_candidates", "fn"),
    ("candidates: chunking, text jobs", "driver", "samestory.lexical", "candidate_chunks", "gen"),
    ("verify: rest (intersect, classify, evidence)", "worker", "samestory.lexical", "verify_chunk", "fn"),
    ("verify: read texts", "worker", "samestory.textstore.ShardTextJob", "read", "fn"),
    ("verify: shingle sets", "worker", "samestory.lexical.verify", "_shingle_sets_of|shingle_sets", "fn"),
    ("exact: check copies", "driver", "samestory.lexical", "verify_exact", "fn"),
    ("groups: components", "driver", "samestory.stages", "connected_groups", "fn"),
    ("groups: originals", "driver", "samestory.stages", "choose_originals", "fn"),
    ("tables: documents", "driver", "samestory.stages", "documents_table", "fn"),
    ("tables: pairs", "driver", "samestory.stages", "pairs_table", "fn"),
    ("tables: rest (summary)", "driver", "samestory.stages", "output_tables", "fn"),
    ("output: rest (pairs, run.json)", "driver", "samestory.pipeline", "write_outputs", "fn"),
    ("output: documents.parquet", "driver", "samestory.output.write", "write_documents", "fn"),
    ("output: corpus", "driver", "samestory.output.write", "write_corpus", "fn"),
]


def _resolve(module: str, attr: str):
    import importlib

    parts = module.split(".")
    for cut in range(len(parts), 0, -1):  # "package.module.Class": import the module, walk the rest
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            owner = getattr(owner, part)
        return owner
    raise ImportError(module)


def install(clock: Clock) -> None:
    for name, _, module, attrs, kind in STAGES:
        owner = _resolve(module, attrs)
        attr = next((a for a in attrs.split("|") if hasattr(owner, a)), None)  # "new|old": the name this version has
        if attr is None:
            continue
        original = getattr(owner, attr)
        setattr(owner, attr, (clock.generator if kind == "gen" else clock.function)(name, original))
    _time_rensa(clock)
    _time_pickling(clock)
    _count_candidates()


def _time_rensa(clock: Clock) -> None:
    """rensa's class is compiled: the fingerprints module is given a stand-in that times it."""
    from samestory.lexical import fingerprints

    real = fingerprints.rensa
    digest = clock.function("MinHash: rensa digests", real.RMinHash.digest_matrix_from_flat_token_hashes)

    class Matrix:
        def __init__(self, m):
            self.m = m

        def to_rows(self):
            return clock.function("MinHash: digests to numpy", self.m.to_rows)()

    stand_in = types.SimpleNamespace(RMinHash=types.SimpleNamespace(
        digest_matrix_from_flat_token_hashes=lambda *a: Matrix(digest(*a))))
    fingerprints.rensa = stand_in


def _time_pickling(clock: Clock) -> None:
    """What moving a batch to a worker and its result back costs (pickle, both ways)."""
    from samestory import workdir

    original = workdir.first_pass_or_load

    def first_pass_or_load(item, *args, **kwargs):
        c, w = time.process_time(), time.perf_counter()
        pickle.loads(pickle.dumps(item, pickle.HIGHEST_PROTOCOL))
        clock.add("pickle: batch to worker", time.process_time() - c, time.perf_counter() - w)
        result = original(item, *args, **kwargs)
        c, w = time.process_time(), time.perf_counter()
        pickle.loads(pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
        clock.add("pickle: result to driver", time.process_time() - c, time.perf_counter() - w)
        return result

    workdir.first_pass_or_load = first_pass_or_load


def _warm_up() -> None:
    """Each compiled kernel once (loaded from numba's cache on first call): start-up, not work."""
    from samestory.boilerplate import line_hashes_batch
    from samestory.config import LexicalSettings
    from samestory.lexical import fingerprint_batch

    import numpy as np
    from samestory.lexical import verify

    fingerprint_batch(["one two three four five six", None], LexicalSettings())
    line_hashes_batch(["one two\nthree", None], 60)
    if hasattr(verify, "intersect_counts"):  # (not in older versions)
        verify.intersect_counts(np.zeros(1, np.uint64), np.array([0, 1]), np.zeros(1, np.int64), np.zeros(1, np.int64))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--out", type=Path, help="run folder (default: a temporary one)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    c0, w0 = time.process_time(), time.perf_counter()
    import samestory
    from samestory.config import Settings
    import samestory.kernels  # noqa: F401  (numba and the cached kernels: timed as start-up)
    import samestory.workdir  # noqa: F401
    _warm_up()
    start_cpu, start_wall = time.process_time() - c0, time.perf_counter() - w0

    clock = Clock()
    install(clock)
    settings = Settings().replace(run={"workers": 1, "progress": False}, rewrite={"enabled": False},
                                  report={"enabled": False})
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "out"
        clock.enter("run: rest")
        result = samestory.run(str(args.corpus), out, settings, overwrite=True)
        clock.leave()
        n_docs = result.summary["documents"]
        n_verified = result.summary["verified_pairs"]
        n_candidates = CANDIDATES[0]
    clock.add("start-up: imports", start_cpu, start_wall)  # the stack is empty here
    total_cpu, total_wall = sum(clock.cpu.values()), sum(clock.wall.values())

    rows = []
    where = {name: w for name, w, *_ in STAGES}
    where.update({"MinHash: rensa digests": "worker", "MinHash: digests to numpy": "worker",
                  "pickle: batch to worker": "both", "pickle: result to driver": "both",
                  "start-up: imports": "both", "run: rest": "driver"})
    order = [s[0] for s in STAGES] + ["MinHash: rensa digests", "MinHash: digests to numpy",
                                      "pickle: batch to worker", "pickle: result to driver", "run: rest", "start-up: imports"]
    for name in order:
        if name not in clock.cpu:
            continue
        rows.append({"stage": name, "where": where[name], "cpu_s": clock.cpu[name], "wall_s": clock.wall[name],
                     "calls": clock.calls[name], "cpu_us_per_doc": clock.cpu[name] / n_docs * 1e6})
    print(f"corpus: {args.corpus} ({n_docs:,} documents, {n_candidates:,} candidate pairs, {n_verified:,} verified pairs); "
          f"one worker, in-process; CPU {total_cpu:.2f} s, wall {total_wall:.2f} s "
          "(pickling not part of it: a multi-worker run's extra)")
    print("| stage | where | CPU s | µs/doc | wall s | calls |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['stage']} | {r['where']} | {r['cpu_s']:.3f} | {r['cpu_us_per_doc']:.1f} | {r['wall_s']:.3f} | {r['calls']:,} |")
    verify = [r for r in rows if r["stage"].startswith("verify:")]
    if n_candidates:
        v = sum(r["cpu_s"] for r in verify)
        print(f"verification: {v:.3f} CPU-s for {n_candidates:,} candidate pairs = {v / n_candidates * 1e6:.1f} µs a pair")
    for side in ("worker", "driver"):
        s = sum(r["cpu_s"] for r in rows if r["where"] == side)
        print(f"{side}: {s:.2f} CPU-s = {s / n_docs * 1e6:.1f} µs/doc")
    if args.json:
        args.json.write_text(json.dumps({"documents": n_docs, "candidate_pairs": n_candidates,
                                         "verified_pairs": n_verified, "stages": rows}, indent=1))


CANDIDATES = [0]  # candidate pairs the run verified


def _count_candidates() -> None:
    from samestory import lexical, stages

    original = lexical.find_candidates

    def find_candidates(*args, **kwargs):
        found = original(*args, **kwargs)
        CANDIDATES[0] += len(found.pairs)
        return found

    lexical.find_candidates = find_candidates


if __name__ == "__main__":
    main()
