"""Verified pairs as part files: what the exact, lexical and rewrite steps write and the group,
originals and writer steps read.

A pairs part is an uncompressed Arrow IPC file (rows by index, memory-mapped): both rows (the
run's rows), the relation, the scores, and the evidence as the verifier made it (the evidence
dataclass, pickled: it stays structured until pairs.parquet is written, where
`records.evidence_json` makes it text, once).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Iterable

import numpy as np
import pyarrow as pa

from ..plan.folder import TaskFiles
from ..records import GROUPING_RELATIONS, RELATION_ORDER, Pairs

__all__ = ["PAIRS_SCHEMA", "write_pairs", "read_pairs", "read_pair_ends", "relation_codes", "pairs_file"]

PAIRS_SCHEMA = pa.schema([
    ("a", pa.int64()), ("b", pa.int64()), ("relation", pa.string()), ("score", pa.float64()),
    ("jaccard", pa.float64()), ("containment", pa.float64()), ("evidence", pa.binary()),
])
#: relation codes in the compact arrays the driver holds (records.RELATION_ORDER)
CODES = RELATION_ORDER
GROUPING_CODES = np.array(sorted(RELATION_ORDER[r] for r in GROUPING_RELATIONS), dtype=np.int8)


def pairs_file(files: TaskFiles, name: str = "pairs") -> Path:
    return files.path(f"{name}.arrow")


def write_pairs(files: TaskFiles, pairs: Pairs, name: str = "pairs") -> Path:
    table = pa.table({
        "a": pa.array(np.asarray(pairs.a, dtype=np.int64)),
        "b": pa.array(np.asarray(pairs.b, dtype=np.int64)),
        "relation": pa.array(pairs.relation, pa.string()),
        "score": pa.array(pairs.score, pa.float64()),
        "jaccard": pa.array(pairs.jaccard, pa.float64()),
        "containment": pa.array(pairs.containment, pa.float64()),
        "evidence": pa.array([pickle.dumps(e, protocol=pickle.HIGHEST_PROTOCOL) for e in pairs.evidence], pa.binary()),
    }, schema=PAIRS_SCHEMA)

    def write(path: Path) -> None:
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, PAIRS_SCHEMA) as writer:
            writer.write_table(table)

    return files.write(f"{name}.arrow", write)


def _open(path: Path | str) -> pa.Table:
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def read_pairs(path: Path | str, rows: np.ndarray | None = None) -> Pairs:
    """A pairs part as Pairs (evidence unpickled); `rows`: only those row indexes of the file."""
    table = _open(path)
    if rows is not None:
        table = table.take(pa.array(np.asarray(rows, dtype=np.int64)))
    return Pairs(
        a=table.column("a").to_pylist(), b=table.column("b").to_pylist(), relation=table.column("relation").to_pylist(),
        score=table.column("score").to_pylist(), jaccard=table.column("jaccard").to_pylist(),
        containment=table.column("containment").to_pylist(),
        evidence=[pickle.loads(e) for e in table.column("evidence").to_pylist()],
    )


def relation_codes(relations: pa.ChunkedArray | pa.Array) -> np.ndarray:
    names = list(CODES)
    codes = np.array([CODES[r] for r in names], dtype=np.int8)
    index = pa.compute.index_in(relations, value_set=pa.array(names)).to_numpy(zero_copy_only=False)
    return codes[index.astype(np.int64)]


def read_pair_ends(paths: Iterable[Path | str]) -> dict[str, np.ndarray]:
    """The compact arrays the group step holds: a, b, relation code, score, and where each pair
    lies (file number, index in it) — 30 bytes a pair, no Python object per pair."""
    a, b, code, score, file_no, index = [], [], [], [], [], []
    for k, path in enumerate(paths):
        table = _open(path)
        n = table.num_rows
        a.append(table.column("a").to_numpy())
        b.append(table.column("b").to_numpy())
        code.append(relation_codes(table.column("relation")) if n else np.zeros(0, np.int8))
        score.append(table.column("score").to_numpy(zero_copy_only=False).astype(np.float64))
        file_no.append(np.full(n, k, dtype=np.int32))
        index.append(np.arange(n, dtype=np.int32))
    join = lambda parts, dtype: np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)  # noqa: E731
    return {"a": join(a, np.int64), "b": join(b, np.int64), "code": join(code, np.int8), "score": join(score, np.float64),
            "file": join(file_no, np.int32), "index": join(index, np.int32)}
