"""A datatrove pipeline step: samestory's groups and evidence on each Document, or the
duplicates dropped.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from samestory.integrations.datatrove import SamestoryDedup

    LocalPipelineExecutor(pipeline=[
        JsonlReader("crawl/"), SamestoryDedup(mode="drop"), JsonlWriter("kept/"),
    ], tasks=1).run()

The step collects its task's documents, runs samestory on them (text, id, and the url/date
datatrove keeps in `metadata`), then yields them in their order. Duplicates are found within
one task: run it with `tasks=1`, or shard the input so that copies meet in one task (by site
or by date), since samestory compares every document with every other it is given.

Each yielded document gets flat `samestory_*` metadata fields (flat scalars, so that
datatrove's Parquet writer can give them one column type whatever the group):
`samestory_status` ("ok"/"rejected"), `samestory_reason` (why rejected), `samestory_cluster_id`
(the id of the group's original), `samestory_is_original`, `samestory_group_size`,
`samestory_relation` (exact/near/partial/rewrite, null for originals and unique documents),
`samestory_score`, `samestory_via` (the chain of ids when the link to the original is indirect),
`samestory_evidence` (the member's verified pair, with the original or with the last document on
`via`, as a JSON string) and, on originals
of groups, `samestory_original_reason`. With `mode="drop"` the duplicates are not yielded
(rejected documents are: samestory could not check them, which is not a verdict).
"""

from __future__ import annotations

import json
from typing import Literal

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
except ImportError as exc:  # an optional extra: say how to get it
    raise ImportError("samestory's datatrove step needs datatrove: pip install 'samestory[datatrove]'") from exc

from ..config import Settings

__all__ = ["SamestoryDedup"]


class SamestoryDedup(PipelineStep):
    name = "samestory"
    type = "🫂 - DEDUP"

    def __init__(self, mode: Literal["annotate", "drop"] = "annotate", settings: Settings | None = None):
        super().__init__()
        if mode not in ("annotate", "drop"):
            raise ValueError(f"mode must be 'annotate' or 'drop', not {mode!r}")
        self.mode = mode
        # one process per task by default: datatrove runs tasks side by side already
        self.settings = settings or Settings().replace(run={"workers": 1, "progress": False})

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from .. import run as samestory_run

        docs: list[Document] = list(data) if data is not None else []
        if not docs:
            return
        records = [{"text": d.text, "id": d.id, "metadata": d.metadata} for d in docs]
        with self.track_time():
            result = samestory_run(records, settings=self.settings)
        for doc, fields in zip(docs, _annotations(result, [d.id for d in docs])):
            doc.metadata.update(fields)
            self.stat_update(f"samestory_{fields['samestory_relation'] or fields['samestory_status']}")
            if self.mode == "drop" and fields["samestory_relation"] is not None:
                self.stat_update("dropped")
                continue
            self.stat_update("forwarded")
            yield doc


def _annotations(result, input_ids: list[str]) -> list[dict]:
    """The samestory_* fields of each input row, in input order (the documents table keeps it,
    so row i is Document i whatever doc_id samestory gave it)."""
    rows = result.documents.select([
        "doc_id", "status", "reason", "cluster_id", "is_canonical", "relation", "score", "via", "canonical_reason",
    ]).to_pylist()
    evidence: dict[frozenset, str] = {}
    for a, b, ev in zip(*(result.pairs.column(c).to_pylist() for c in ("doc_a", "doc_b", "evidence"))):
        evidence[frozenset((a, b))] = ev
    sizes: dict[str, int] = {}
    for row in rows:
        if row["cluster_id"] is not None:
            sizes[row["cluster_id"]] = sizes.get(row["cluster_id"], 0) + 1
    input_id = {row["doc_id"]: given for row, given in zip(rows, input_ids)}
    out = []
    for row in rows:
        cluster = row["cluster_id"]
        pair = None
        if row["relation"]:  # the member's own verified link: to the original, or its last hop on the way
            hop = row["via"].split(" > ")[-2] if row["via"] else cluster
            pair = evidence.get(frozenset((row["doc_id"], hop)))
        out.append({
            "samestory_status": row["status"],
            "samestory_reason": row["reason"],
            "samestory_cluster_id": input_id.get(cluster) if cluster else None,
            "samestory_is_original": bool(row["is_canonical"]),
            "samestory_group_size": sizes.get(cluster, 0) if cluster else 0,
            "samestory_relation": row["relation"],
            "samestory_score": row["score"],
            "samestory_via": " > ".join(input_id.get(d, d) for d in row["via"].split(" > ")) if row["via"] else None,
            "samestory_evidence": json.dumps(json.loads(pair), sort_keys=True) if pair else None,
            "samestory_original_reason": row["canonical_reason"],
        })
    return out

