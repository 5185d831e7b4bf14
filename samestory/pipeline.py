"""The plan: read -> clean -> boilerplate -> lexical -> rewrite -> group -> original -> output.

Which stage runs on which data, and nothing else: the stages are in stages.py, the tiers in
their folders, the executor decides where per-batch work runs, runlog.py keeps the account.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import numpy as np
import pyarrow as pa

from . import __version__, stages
from .config import Settings
from .executors import make_executor
from .groupby import sorted_unique
from .output import RUN_MANIFEST, check_out_dir, prepare_out_dir, write_outputs
from .progress import Progress
from .read import InputError, iter_documents, iter_record_documents, split_inputs
from .reference import ReferenceIndex, load_references
from .rewrite.embed import resolve_model
from .runlock import RunLock, check_out, refuse_if_written
from .runlog import release_freed_memory, run_record, settle_heap, settled_heap, stage_timer
from .workdir import WORK_DIR, WorkDir, WorkDirError, manifest_difference

__all__ = ["RunResult", "run"]


@dataclass
class RunResult:
    """What a run found. With `out`, `documents` is read back from out/documents.parquet when
    first used: a big run's texts stay on disk until a caller asks for them."""

    documents_table: pa.Table | None  # without `out`: documents.parquet's table, texts included
    pairs: pa.Table
    summary: dict
    timings: dict[str, float] = field(default_factory=dict)
    out: Path | None = None
    boilerplate: pa.Table | None = None
    rewrite_stats: dict | None = None  # counts from the rewrite tier, None when it is off

    @property
    def documents(self) -> pa.Table:
        if self.documents_table is None:
            import pyarrow.parquet as pq

            self.documents_table = pq.read_table(self.out / "documents.parquet")
        return self.documents_table


def run(
    inputs: str | os.PathLike | Iterable,
    out: str | os.PathLike | None = None,
    settings: Settings | None = None,
    overwrite: bool = False,
    resume: bool = False,
    references: Iterable[str | os.PathLike] = (),
) -> RunResult:
    """Run samestory; write the outputs to `out` when given; return the tables.

    `inputs`: a file or folder, a list of them, or records: an iterable of dicts, a pyarrow
    Table, a pandas DataFrame, a `datasets.Dataset` or `DatasetDict` (fields found as for JSONL
    records, see `settings.read`). With `out`, the first pass keeps its shards in `out/_work`
    (workdir.py); `resume` continues an interrupted run from them. `references` (earlier runs'
    `out` folders) are matched against without being re-read (reference.py); the outputs then
    list the new documents only."""
    with settled_heap(), contextlib.ExitStack() as held:
        return _run(inputs, out, settings or Settings(), overwrite, resume, references, held)


def _run(inputs, out, settings: Settings, overwrite: bool, resume: bool, references: Iterable,
         held: contextlib.ExitStack) -> RunResult:
    now = datetime.now(timezone.utc)  # dates after the run's start are errors, not dates
    paths, records = split_inputs(inputs)  # a bad input path is reported before anything is written
    if resume and paths is None:
        raise InputError("--resume continues a run over files or folders, not over records given in memory")
    references = list(references)
    # every check that can refuse runs before anything in `out` is removed (issue 20)
    out_dir = check_out(out, references) if out is not None else None
    for ref in references:
        refuse_if_written(ref)
    if settings.rewrite.enabled:
        resolve_model(settings.rewrite.model)  # a missing model package is refused now, not after the cleaning
    if out_dir is not None:
        held.enter_context(RunLock(out_dir))  # one writer per run folder, released on every exit path
    refs = load_references(references, settings)
    settle_heap()
    store = None
    if out_dir is not None:
        manifest = WorkDir.planned_manifest(out_dir, paths if paths is not None else [], settings, __version__,
                                            [ref.run_id for ref in refs])
        if resume and (out_dir / RUN_MANIFEST).is_file():
            return _finished_run(out_dir, manifest)  # never touched: it says so, or refuses with the difference
        check_out_dir(out_dir, overwrite or resume)
        WorkDir.check(out_dir, manifest, resume, overwrite)
        prepare_out_dir(out_dir, overwrite or resume)  # an interrupted run may have written some outputs
        store = WorkDir.open(out_dir, paths if paths is not None else [], settings, __version__, resume=resume,
                             overwrite=overwrite, manifest=manifest)
    progress = Progress(enabled=settings.run.progress and sys.stderr.isatty())
    timings: dict[str, float] = {}
    counts: dict[str, dict[str, int]] = {}
    timed = stage_timer(timings, counts)
    with make_executor(settings.run) as executor:  # one executor for every stage of the run
        with timed("read_clean") as counted:
            keys, limit = settings.read.field_keys, settings.read.max_document_bytes
            raws = (iter_documents(paths, limit, keys, skip=(out_dir,) if out_dir else ()) if paths is not None
                    else iter_record_documents(records, limit, keys))
            corpus, line_hashes = stages.read_and_fingerprint(raws, settings, executor, progress, now, store=store)
            release_freed_memory()
            counted(documents=len(corpus), ok=int(corpus.ok.sum()), files=len(set(corpus.columns.source)))
        with timed("boilerplate_fingerprint") as counted:
            learned = stages.remove_boilerplate(corpus, line_hashes, settings, executor, progress)
            del line_hashes
            counted(documents_changed=sum(1 for k in corpus.boilerplate_lines if k), ok=int(corpus.ok.sum()))
            if store is not None:
                store.write_final(stages.changed_rows(learned), corpus)
        index = None
        if refs:
            with timed("reference_load") as counted:
                index, corpus = ReferenceIndex.combine(refs, corpus, settings)
                counted(reference_documents=index.first_new)
        first_new = index.first_new if index else 0
        with timed("candidates_verify") as counted:
            pairs = stages.lexical_pairs(corpus, settings, executor, progress, first_new, index.keys if index else None)
            counted(pairs=len(pairs))
        rewrite_stats = None
        if settings.rewrite.enabled:
            with timed("rewrites") as counted:
                known = index.with_reference_pairs(pairs) if index else pairs
                kept_vectors: dict | None = {} if store is not None else None
                rewrites, stats = stages.rewrite_pairs(corpus, known, settings, executor, progress, first_new,
                                                       index.vector_caches if index else (), kept_vectors)
                if store is not None:
                    store.write_vectors(kept_vectors, settings.rewrite)
                stages.add_overlap_scores(rewrites, corpus, settings)
                pairs.extend(rewrites)
                counted(pairs=len(rewrites))
            timings.update(rewrites_embedding=stats.embed_seconds, rewrites_model_load=stats.model_load_seconds)
            rewrite_stats = dataclasses.asdict(stats)
    with timed("group_and_original") as counted:
        groups, originals = index.choose_groups(corpus, pairs) if index else stages.choose_groups(corpus, pairs)
        counted(groups=int((np.bincount(groups)[sorted_unique(groups)] > 1).sum()) if len(groups) else 0)
        if index is not None and index.rule_decides:
            counted(reference_canonicals_replaced=index.replaced)
    with timed("write"):
        documents, pair_table, boilerplate, summary, texts = stages.output_tables(
            corpus, pairs, groups, originals, learned, index)
        if out_dir is not None:
            record = run_record(paths if paths is not None else [records], settings, counts, timings)
            write_outputs(out_dir, documents, pair_table, summary, settings, __version__, boilerplate=boilerplate,
                          record=record, texts=texts)
    return RunResult(documents_table=documents if texts is None else None, pairs=pair_table, summary=summary,
                     timings=timings, out=out_dir, boilerplate=boilerplate, rewrite_stats=rewrite_stats)


def _finished_run(out_dir: Path, manifest: dict) -> RunResult:
    """`--resume` on a finished run: its outputs as they are, when the run had these inputs and
    settings; else a one-line refusal with the difference. Nothing is removed either way."""
    old_path = out_dir / WORK_DIR / "manifest.json"
    try:
        old = json.loads(old_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise WorkDirError(
            f"the run in {out_dir} is finished, and its work folder ({WORK_DIR}/) is missing or unreadable, so "
            "--resume cannot check it against these inputs and settings; nothing was changed (--overwrite runs it again)"
        ) from None
    reason = manifest_difference(old, manifest, "the finished run")
    if reason:
        raise WorkDirError(f"the run in {out_dir} is finished, but {reason}; nothing was changed "
                           "(to run it again with these, use --overwrite instead of --resume)")
    import pyarrow.parquet as pq

    record = json.loads((out_dir / RUN_MANIFEST).read_text(encoding="utf-8"))
    logging.getLogger("samestory").warning("the run in %s is finished: nothing to resume", out_dir)
    return RunResult(documents_table=None, pairs=pq.read_table(out_dir / "pairs.parquet"), summary=record["summary"],
                     timings=record.get("timings", {}), out=out_dir,
                     boilerplate=pq.read_table(out_dir / "boilerplate.parquet"))
