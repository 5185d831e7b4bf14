"""Steps facts and originals: each group's original, chosen per group partition.

The group step (the plan, in the driver) holds a group label per document and the grouping
pairs as compact arrays; it writes those pairs partitioned by their group's label. Then:

facts (one task per part holding grouped documents): the facts the original rule reads
(original.DocumentFacts: doc_id, date, words, form, chrome lines) of the part's grouped
documents, partitioned by group label.

originals (one task per group partition): the partition's groups, their facts and pairs, and
original.choose_originals on them alone (the rule reads only the group's own members and
pairs, so a partition decides its groups as one pass over everything would). Each member's
result (canonical, cluster_id, relation, score, via, reason) goes back to row order,
partitioned by the part that holds the row, for the writers.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..clean.dates import dates_from_columns
from ..original import DocumentFacts, choose_originals
from ..plan.folder import TaskFiles
from ..plan.parts import Parts, read_meta
from ..plan.shuffle import key_parts, range_parts, read_partition, read_partition_table, write_partitioned
from ..records import ExactEvidence, Pairs, RELATION_ORDER
from .pairs import _open

__all__ = ["FactsArgs", "facts_part", "OriginalsArgs", "originals_partition", "FACT_COLUMNS"]

FACT_COLUMNS = ("doc_id", "date", "date_precision", "n_words", "format", "title", "url", "site", "chrome_lines")
_RELATIONS = {code: name for name, code in RELATION_ORDER.items()}
_PLACEHOLDER = ExactEvidence()


@dataclass(frozen=True)
class FactsArgs:
    parts: Parts
    part: int
    labels: str        # rows/labels.npy
    grouped: str       # rows/grouped.npy: rows whose group is decided here
    partitions: int
    doc_ids: tuple = ()  # (row, doc_id) renames (doc_ids made unique across tasks)


def facts_part(files: TaskFiles, args: FactsArgs) -> dict:
    part = args.parts.parts[args.part]
    grouped = np.load(args.grouped, mmap_mode="r")[part.start:part.start + part.rows]
    local = np.flatnonzero(grouped)
    labels = np.asarray(np.load(args.labels, mmap_mode="r")[part.start + local], dtype=np.int64)
    table = read_meta(part, FACT_COLUMNS).take(pa.array(local))
    columns = {name: table.column(name) for name in FACT_COLUMNS}
    columns["label"] = labels
    columns["row"] = (local + part.start).astype(np.int64)
    write_partitioned(files, "facts", args.partitions, key_parts(labels.astype(np.uint64), args.partitions), columns)
    return {"rows": int(len(local))}


@dataclass(frozen=True)
class OriginalsArgs:
    parts: Parts
    partition: int
    facts: tuple[str, ...]        # the facts step's map outputs
    pairs: str                    # the group step's pairs, partitioned by label
    pair_files: tuple[str, ...]   # the pair parts those pairs point into (for their evidence)
    pinned: str | None = None     # rows/pinned.npy: reference rows that stay canonical
    run_ids: tuple[str, ...] = ()  # each reference run's id (cluster_reference)


def originals_partition(files: TaskFiles, args: OriginalsArgs) -> dict:
    table = read_partition_table(args.facts, args.partition)
    pairs = read_partition([(args.pairs, 0)], args.partition, row_columns=())
    if table is None:
        _write_results(files, args, {})
        return {"groups": 0}
    table = table.take(pa.array(np.argsort(table.column("row").to_numpy(), kind="stable")))
    facts = {name: table.column(name) for name in table.column_names}
    rows = facts["row"].to_numpy()
    m = len(rows)
    local = lambda r: np.searchsorted(rows, r)  # noqa: E731
    labels_local = local(facts["label"].to_numpy())  # a group's label is its smallest row, itself a member
    local_pairs = Pairs()
    if pairs:
        a, b = local(pairs["a"]), local(pairs["b"])
        codes = pairs["code"].tolist()
        evidence: list = [_PLACEHOLDER] * len(a)
        rewrite = [k for k, c in enumerate(codes) if c == RELATION_ORDER["rewrite"]]
        if rewrite:  # name variants (the rule's signal 3) are in rewrite pairs' evidence
            by_file: dict[int, list[int]] = {}
            for k in rewrite:
                by_file.setdefault(int(pairs["file"][k]), []).append(k)
            for f, ks in by_file.items():
                column = _open(args.pair_files[f]).column("evidence")
                for k in ks:
                    evidence[k] = pickle.loads(column[int(pairs["index"][k])].as_py())
        local_pairs = Pairs(a=a.tolist(), b=b.tolist(), relation=[_RELATIONS[c] for c in codes],
                            score=pairs["score"].tolist(), jaccard=[None] * len(a), containment=[None] * len(a),
                            evidence=evidence)
    doc_ids = facts["doc_id"].to_pylist()
    document_facts = DocumentFacts(
        doc_id=doc_ids, date=dates_from_columns(facts["date"].to_pylist(), facts["date_precision"].to_pylist()),
        n_words=facts["n_words"].to_numpy(), kind=facts["format"].to_pylist(), title=facts["title"].to_pylist(),
        url=facts["url"].to_pylist(), site=facts["site"].to_pylist(), chrome_lines=facts["chrome_lines"].to_pylist(),
    )
    pinned = None
    if args.pinned:
        pinned = np.asarray(np.load(args.pinned, mmap_mode="r")[rows], dtype=bool)
    originals = choose_originals(labels_local, local_pairs, document_facts, pinned=pinned)
    canonical = rows[originals.canonical]
    # members per group that are this run's documents (the corpus' group_size counts those)
    new_members = np.bincount(labels_local, weights=(rows >= args.parts.first_new), minlength=m).astype(np.int32)
    result = {
        "group_size": new_members[labels_local],
        "row": rows, "canonical": canonical,
        "cluster_id": np.array([doc_ids[c] for c in originals.canonical.tolist()], dtype=object),
        "relation": np.array(originals.relation, dtype=object), "score": np.array(
            [np.nan if s is None else s for s in originals.score], dtype=np.float64),
        "via": np.array(originals.via, dtype=object), "reason": np.array(originals.reason, dtype=object),
    }
    _write_results(files, args, result)
    return {"groups": int(np.sum(originals.canonical == np.arange(m)))}


def _write_results(files: TaskFiles, args: OriginalsArgs, result: dict) -> None:
    starts = args.parts.starts
    if not result:
        result = {"group_size": np.zeros(0, np.int32), "row": np.zeros(0, np.int64), "canonical": np.zeros(0, np.int64),
                  "cluster_id": np.zeros(0, object), "relation": np.zeros(0, object), "score": np.zeros(0),
                  "via": np.zeros(0, object), "reason": np.zeros(0, object)}
    columns = {k: (pa.array(v.tolist(), pa.string()) if v.dtype == object else v) for k, v in result.items()}
    write_partitioned(files, "originals", len(args.parts.parts), range_parts(result["row"], starts), columns)
