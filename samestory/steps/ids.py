"""Steps ids and renames: doc_ids made unique across read tasks (read/unique.py says the rule).

ids (one task per key partition of the read step's `ids` map outputs, keyed by an id's family,
its root): the families in which some id occurs twice, and the rows of their members. Every
id of a family meets in one partition, so partitions decide their families alone.

renames (one task per part holding a renamed row): the part's new doc_ids
(`renames/<part>.ids.arrow`: local row, doc_id), which every reader of a part's metadata puts
over the read step's (plan/parts.read_meta). The driver renames the members in reading order:
a few rows (repeated ids are rare), never every id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..plan.folder import TaskFiles
from ..plan.parts import Parts
from ..plan.shuffle import read_partition
from ..read import families_to_resolve

__all__ = ["IdsArgs", "repeated_families", "RenamesArgs", "write_renames", "RENAMES_SCHEMA"]

RENAMES_SCHEMA = pa.schema([("row", pa.int32()), ("doc_id", pa.string())])


@dataclass(frozen=True)
class IdsArgs:
    parts: Parts
    partition: int


def repeated_families(files: TaskFiles, args: IdsArgs) -> dict:
    got = read_partition(args.parts.outputs("ids"), args.partition,
                         dtypes={"key": np.uint64, "id": np.uint64, "row": np.int64})
    families = families_to_resolve([got["id"]], [got["key"]])
    members = np.sort(got["row"][np.isin(got["key"], families)]) if len(families) else np.zeros(0, np.int64)

    def write(path: Path) -> None:
        with open(path, "wb") as handle:
            np.save(handle, members.astype(np.int64))

    files.write("members.npy", write)
    return {"members": int(len(members))}


@dataclass(frozen=True)
class RenamesArgs:
    rows: tuple[int, ...]      # local rows of the part
    doc_ids: tuple[str, ...]   # their new ids


def write_renames(files: TaskFiles, args: RenamesArgs) -> dict:
    table = pa.table({"row": pa.array(args.rows, pa.int32()), "doc_id": pa.array(args.doc_ids, pa.string())},
                     schema=RENAMES_SCHEMA)

    def write(path: Path) -> None:
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, RENAMES_SCHEMA) as writer:
            writer.write_table(table)

    files.write("ids.arrow", write)
    return {"renamed": len(args.rows)}
