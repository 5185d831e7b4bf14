"""doc_ids made unique, the same way whether the documents were read by one loop or by many tasks.

The rule (since 0.1): documents are taken in reading order; an id already given is followed by
`~2`, or `~3`... the first of these not already given. Two inputs can map to one id: the same
relative path under two input folders, a JSON id repeated within a file.

`unique_id` is the rule for one reader that keeps every id it gave (`iter_documents`). Tasks
need no such set in the driver, because renaming never leaves a *family*: call an id's root
the id without its trailing `~<digits>` groups (`a#1~2~3` → `a#1`). A rename appends `~n`, so
it keeps the root; and within a family without a repeated id nothing is renamed (each id is
new when it comes). So:

1. each task hashes its ids (`id_keys`: 64-bit hashes of the id and of its root);
2. `families_to_resolve` finds the roots of the ids that occur more than once: a group-by
   over the id hashes (any partition of them by hash gives the same roots, so it can run as
   a shuffle);
3. only the rows of those families (`rows_in_families`, per task) are taken, in reading
   order, through the rule with a set of their own (`renamed_ids`).

This gives exactly what the one-loop rule gives, since a family's renames depend only on the
ids of that family. A hash collision only adds rows to step 3, which renames nothing that
the rule would not: the result never depends on the hash.
"""

from __future__ import annotations

import re
from typing import Hashable, Iterable, Sequence

import numpy as np
import xxhash

__all__ = ["families_to_resolve", "id_keys", "id_root", "renamed_ids", "rows_in_families", "unique_id"]

_SUFFIXES = re.compile(r"(?:~\d+)+\Z")


def unique_id(doc_id: str, seen: set[str]) -> str:
    """`doc_id`, or `doc_id~n` for the first n ≥ 2 not in `seen`; the result is added to `seen`."""
    if doc_id not in seen:
        seen.add(doc_id)
        return doc_id
    n = 2
    while f"{doc_id}~{n}" in seen:
        n += 1
    unique = f"{doc_id}~{n}"
    seen.add(unique)
    return unique


def id_root(doc_id: str) -> str:
    """The id without its trailing `~<digits>` groups: every rename of an id keeps its root."""
    return _SUFFIXES.sub("", doc_id) if "~" in doc_id else doc_id


def _hash(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


def id_keys(doc_ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(64-bit hash of each id, 64-bit hash of its root), both uint64, in the ids' order."""
    ids = np.fromiter((_hash(d) for d in doc_ids), dtype=np.uint64, count=len(doc_ids))
    roots = np.fromiter((_hash(id_root(d)) if "~" in d else h for d, h in zip(doc_ids, ids.tolist())),
                        dtype=np.uint64, count=len(doc_ids))
    return ids, roots


def families_to_resolve(id_hashes: Iterable[np.ndarray], root_hashes: Iterable[np.ndarray]) -> np.ndarray:
    """The sorted root hashes of the families in which some id occurs twice or more.

    Takes the arrays of every task (or of one hash partition of them: the result of all
    partitions is the union of the results of each)."""
    ids = np.concatenate([np.asarray(a, dtype=np.uint64) for a in id_hashes] or [np.empty(0, np.uint64)])
    roots = np.concatenate([np.asarray(a, dtype=np.uint64) for a in root_hashes] or [np.empty(0, np.uint64)])
    if len(ids) < 2:
        return np.empty(0, np.uint64)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    repeated = np.zeros(len(ids), dtype=bool)
    same = sorted_ids[1:] == sorted_ids[:-1]
    repeated[1:] |= same
    repeated[:-1] |= same
    return np.unique(roots[order[repeated]])


def rows_in_families(root_hashes: np.ndarray, families: np.ndarray) -> np.ndarray:
    """Row numbers (in a task) of the ids whose root is one of `families` (sorted)."""
    if not len(families):
        return np.empty(0, np.int64)
    return np.flatnonzero(np.isin(np.asarray(root_hashes, dtype=np.uint64), families))


def renamed_ids(rows: Iterable[tuple[Hashable, str]]) -> dict[Hashable, str]:
    """{key: new id} for the rows that the rule renames; `rows` are (key, id) of the rows of the
    families to resolve, in reading order (key: e.g. (task index, row in task))."""
    seen: set[str] = set()
    renames = {}
    for key, doc_id in rows:
        unique = unique_id(doc_id, seen)
        if unique != doc_id:
            renames[key] = unique
    return renames
