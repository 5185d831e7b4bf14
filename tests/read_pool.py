"""Read tasks run the way a plan runs them: scans and reads in a process pool, ids made unique
from their hashes (unique.py), only the repeated families' ids brought back. A test helper."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from samestory.read import (
    ReadOutcome, families_to_resolve, id_keys, read_plan, read_task, renamed_ids, rows_in_families, void_tasks,
)


def _read(task, read):
    """What a worker sends back: compact rows and the id hashes."""
    outcome = ReadOutcome()
    rows = [(d.doc_id, d.kind, d.reason, d.content) for d in read_task(task, read, outcome)]
    ids, roots = id_keys([r[0] for r in rows])
    return rows, ids, roots, outcome


def read_in_pool(paths, read, target_bytes: int, workers: int = 2) -> list[tuple]:
    with ProcessPoolExecutor(workers) as pool:
        tasks = read_plan(paths, read, (), target_bytes, map=pool.map)
        results = list(pool.map(_read, tasks, [read] * len(tasks)))
    voided = void_tasks(tasks, {t.index: r[3] for t, r in zip(tasks, results)})
    kept = [(t.index, r) for t, r in zip(tasks, results) if t.index not in voided]
    families = families_to_resolve([r[1] for _, r in kept], [r[2] for _, r in kept])
    wanted = ((index, int(row), r[0][row][0]) for index, r in kept for row in rows_in_families(r[2], families))
    renames = renamed_ids(((index, row), doc_id) for index, row, doc_id in wanted)
    return [(renames.get((index, row), rec[0]), *rec[1:]) for index, r in kept for row, rec in enumerate(r[0])]
