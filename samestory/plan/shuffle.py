"""Group-by-key as a shuffle: map tasks write (key, row, values...) into hash partitions;
reduce task p reads partition p of every map output and groups it.

One mechanism serves every keyed step: exact hashes, LSH band keys, anchors, rewrite
signature features, (site, line) boilerplate keys, candidate pairs (keyed by the pair), group
facts (keyed by the group label) and per-row results going back to row order (keyed by row
range, `range_parts`).

A map output is one uncompressed Arrow IPC file whose entries are sorted by partition, with
the partition offsets in its schema metadata: a reduce task memory-maps it and slices its
partition without reading the others (on a local disk, page cache; on shared storage, only
the ranges it needs). This is the sort-based shuffle of MapReduce engines: one file per map
task, not one per (map task, partition), so a run of T map tasks and P partitions makes T
files, not T x P.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pyarrow as pa

from .folder import TaskFiles

__all__ = ["key_parts", "range_parts", "write_partitioned", "read_partition", "read_partition_table", "partition_sizes", "MapOutput"]

_OFFSETS = b"samestory.partition_offsets"
# a multiplier with well-mixed bits (2^64 / golden ratio): keys are hashes already, but the
# partition must not follow a few low bits that a key scheme might leave correlated
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BLOCK = 1 << 22


def key_parts(keys: np.ndarray, parts: int) -> np.ndarray:
    """The partition (0..parts-1, at most 2**16) of each 64-bit key: its mixed high bits modulo
    `parts`, a block at a time (no uint64 temporary over all keys)."""
    if parts > 1 << 16:
        raise ValueError("at most 65536 partitions")
    out = np.empty(len(keys), dtype=np.uint16)
    with np.errstate(over="ignore"):
        for lo in range(0, len(keys), _BLOCK):
            block = keys[lo:lo + _BLOCK].astype(np.uint64, copy=False)
            out[lo:lo + len(block)] = ((block * _MIX) >> np.uint64(32)) % np.uint64(parts)
    return out


def range_parts(rows: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The partition of each row when partition k holds rows bounds[k]..bounds[k+1]-1."""
    return (np.searchsorted(bounds, rows, side="right") - 1).astype(np.uint16)


def write_partitioned(files: TaskFiles, name: str, parts: int, part_of: np.ndarray,
                      columns: Mapping[str, np.ndarray]) -> Path:
    """Write one map output: `columns` (equal-length numpy arrays) sorted by `part_of`
    (stable: entries keep their order within a partition)."""
    part_of = np.asarray(part_of, dtype=np.uint16)
    order = np.argsort(part_of, kind="stable")  # a radix sort for 16-bit keys
    counts = np.bincount(part_of, minlength=parts) if len(part_of) else np.zeros(parts, np.int64)
    offsets = np.zeros(parts + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    arrays = {k: v.take(pa.array(order)) if isinstance(v, (pa.Array, pa.ChunkedArray)) else pa.array(np.asarray(v)[order])
              for k, v in columns.items()}
    arrays = {k: v.combine_chunks() if isinstance(v, pa.ChunkedArray) else v for k, v in arrays.items()}
    batch = pa.record_batch(list(arrays.values()), names=list(arrays))
    schema = batch.schema.with_metadata({_OFFSETS: offsets.astype("<i8").tobytes()})

    def write(path: Path) -> None:
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            writer.write_batch(batch.replace_schema_metadata(schema.metadata))

    return files.write(f"{name}.arrow", write)


class MapOutput:
    """One map output file, memory-mapped; `partition(p)` gives partition p's columns."""

    def __init__(self, path: Path | str):
        reader = pa.ipc.open_file(pa.memory_map(str(path), "r"))
        self.offsets = np.frombuffer(reader.schema.metadata[_OFFSETS], dtype="<i8")
        self.batch = reader.get_batch(0) if reader.num_record_batches else None
        self.names = reader.schema.names

    @property
    def parts(self) -> int:
        return len(self.offsets) - 1

    def partition_batch(self, p: int) -> pa.RecordBatch | None:
        lo, hi = int(self.offsets[p]), int(self.offsets[p + 1])
        if self.batch is None or hi == lo:
            return None
        return self.batch.slice(lo, hi - lo)

    def partition(self, p: int) -> dict[str, np.ndarray]:
        lo, hi = int(self.offsets[p]), int(self.offsets[p + 1])
        if self.batch is None or hi == lo:
            return {}
        part = self.batch.slice(lo, hi - lo)
        return {name: part.column(i).to_numpy(zero_copy_only=False) for i, name in enumerate(self.names)}


def read_partition(outputs: Iterable[tuple[Path | str, int]], p: int, row_columns: Iterable[str] = ("row",),
                   dtypes: Mapping[str, np.dtype] | None = None) -> dict[str, np.ndarray]:
    """Partition p of every map output, concatenated in the order given. Each output comes with
    a row shift (its task's first row in the run): `row_columns` are local rows in the file
    and come back as the run's rows (int64). Columns absent everywhere come back empty with
    the type `dtypes` names."""
    pieces: dict[str, list[np.ndarray]] = {}
    for path, shift in outputs:
        got = MapOutput(path).partition(p)
        for name, values in got.items():
            if name in row_columns:
                values = values.astype(np.int64) + shift
            pieces.setdefault(name, []).append(values)
    out = {name: np.concatenate(values) for name, values in pieces.items()}
    for name, dtype in (dtypes or {}).items():
        out.setdefault(name, np.zeros(0, dtype=dtype))
    return out


def read_partition_table(outputs: Iterable[Path | str], p: int) -> pa.Table | None:
    """Partition p of every map output as one Arrow table (columns keep their Arrow types:
    strings, timestamps); None when it is empty everywhere."""
    batches = [b for b in (MapOutput(path).partition_batch(p) for path in outputs) if b is not None]
    return pa.Table.from_batches(batches).combine_chunks() if batches else None


def partition_sizes(outputs: Iterable[Path | str]) -> np.ndarray:
    """Entries per partition over several map outputs (from their offsets alone)."""
    total = None
    for path in outputs:
        counts = np.diff(MapOutput(path).offsets)
        total = counts if total is None else total + counts
    return total if total is not None else np.zeros(0, np.int64)
