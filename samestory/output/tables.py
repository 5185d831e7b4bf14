"""The public tables: their schemas, and how the run's columns become them.

Evidence becomes JSON here, once (`records.evidence_json`); before this it is structured.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..boilerplate import Boilerplate
from ..clean.dates import date_columns
from ..records import Pairs, RewriteEvidence, evidence_json

__all__ = [
    "DOCUMENT_SCHEMA", "PAIR_SCHEMA", "BOILERPLATE_SCHEMA", "documents_table", "in_groups", "pairs_table", "pair_order",
    "boilerplate_table",
]

DOCUMENT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("record_id", pa.string()),          # the input record's own id (null for files and pages)
        ("source", pa.string()),
        ("format", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("date", pa.timestamp("us", tz="UTC")),  # publication date (crawl time for WET/FineWeb-like records)
        ("date_precision", pa.string()),     # year / month / day / time (clean/dates.py)
        ("site", pa.string()),
        ("language", pa.string()),           # ISO 639-1 code of the clean text (samestory/language); null: too little text
        ("status", pa.string()),
        ("reason", pa.string()),
        ("text", pa.large_string()),
        ("n_words", pa.int32()),
        ("cluster_id", pa.string()),
        ("is_canonical", pa.bool_()),
        ("relation", pa.string()),
        ("score", pa.float64()),
        ("via", pa.string()),
        ("canonical_reason", pa.string()),
        ("chrome_lines_removed", pa.int32()),
        ("boilerplate_lines_removed", pa.int32()),
        # every other field of an input record, as JSON text: records of one run come in different
        # layouts whose fields differ in name and type, which no single struct type can hold
        ("metadata", pa.string()),
    ]
)

#: Boilerplate removed before fingerprinting: one row per (site, line), see boilerplate/site_lines.py, and
#: one per corpus-wide line (boilerplate/corpus_lines.py).
BOILERPLATE_SCHEMA = pa.schema(
    [
        ("site", pa.string()),               # host, else site name, else folder
        ("line", pa.string()),               # as it appears on the first page that has it
        ("words", pa.int32()),
        ("removed_from_docs", pa.int32()),   # pages it was removed from
        ("distinct_pages", pa.int32()),      # of those, different articles (estimated past a sample)
        ("site_pages", pa.int32()),          # clean pages of the site ("(corpus)": of the corpus)
        ("scope", pa.string()),              # "site", or "corpus" for corpus-wide lines (site "(corpus)")
    ]
)

PAIR_SCHEMA = pa.schema(
    [
        ("doc_a", pa.string()),
        ("doc_b", pa.string()),
        ("relation", pa.string()),
        ("score", pa.float64()),
        ("jaccard", pa.float64()),
        ("containment", pa.float64()),
        ("evidence", pa.string()),
        # rewrite tier: null for exact/near/partial pairs
        ("doc_cosine", pa.float64()),
        ("coverage_a", pa.float64()),
        ("coverage_b", pa.float64()),
    ]
)




def in_groups(groups: np.ndarray, rows: slice = slice(None)) -> np.ndarray:
    """Whether each of `rows` is in a group of two or more (`groups`: a label per document)."""
    return np.bincount(groups)[groups[rows]] > 1 if len(groups) else np.zeros(0, bool)


def documents_table(columns, texts: pa.ChunkedArray | None, n_words: np.ndarray, originals, in_group: np.ndarray,
                    ok: np.ndarray, boilerplate_lines: list[int]) -> pa.Table:
    """documents.parquet: one row per input document, in input order; `in_group` (in_groups)
    says which rows have a canonical_reason. Without `texts` the table has no text column: the
    writers then take it from the run's text store a slice at a time (write.write_documents),
    so the texts of a big run are never all in memory."""
    doc_ids = columns.doc_id
    n = len(doc_ids)
    cluster_id = [doc_ids[int(originals.canonical[i])] if ok[i] else None for i in range(n)]
    is_canonical = [bool(ok[i] and originals.canonical[i] == i) for i in range(n)]
    when, precision = date_columns(columns.date)
    data = {
        "doc_id": doc_ids,
        "record_id": columns.record_id,
        "source": columns.source,
        "format": columns.kind,
        "url": columns.url,
        "title": columns.title,
        "date": when,
        "date_precision": precision,
        "site": columns.site,
        "language": columns.language,
        "status": columns.status,
        "reason": columns.reason,
        "text": texts,
        "n_words": n_words,
        "cluster_id": cluster_id,
        "is_canonical": is_canonical,
        "relation": originals.relation,
        "score": originals.score,
        "via": originals.via,
        "canonical_reason": [originals.reason[i] if in_group[i] else None for i in range(n)],
        "chrome_lines_removed": columns.chrome_lines,
        "boilerplate_lines_removed": boilerplate_lines,
        "metadata": columns.metadata,
    }
    if texts is None:
        del data["text"]
        return pa.table(data, schema=DOCUMENT_SCHEMA.remove(DOCUMENT_SCHEMA.get_field_index("text")))
    return pa.table(data, schema=DOCUMENT_SCHEMA)


def pair_order(pairs: Pairs) -> list[int]:
    """pairs.parquet's row order: by (a, b), ties in the order found (a stable sort; the rows
    may be numpy integers, which a Python sort of tuples compares ~20x slower)."""
    return np.lexsort((np.asarray(pairs.b, dtype=np.int64), np.asarray(pairs.a, dtype=np.int64))).tolist()


def pairs_table(pairs: Pairs, doc_ids: list[str]) -> pa.Table:
    """pairs.parquet: every verified pair, ordered by row; evidence as JSON text."""
    order = pair_order(pairs)
    rewrite = [pairs.evidence[k] if isinstance(pairs.evidence[k], RewriteEvidence) else None for k in order]
    return pa.table(
        {
            "doc_a": [doc_ids[pairs.a[k]] for k in order],
            "doc_b": [doc_ids[pairs.b[k]] for k in order],
            "relation": [pairs.relation[k] for k in order],
            "score": [pairs.score[k] for k in order],
            "jaccard": [pairs.jaccard[k] for k in order],
            "containment": [pairs.containment[k] for k in order],
            "evidence": [evidence_json(pairs.evidence[k]) for k in order],
            "doc_cosine": [e.doc_cosine if e else None for e in rewrite],
            "coverage_a": [e.coverage_a if e else None for e in rewrite],
            "coverage_b": [e.coverage_b if e else None for e in rewrite],
        },
        schema=PAIR_SCHEMA,
    )


def boilerplate_table(learned: Boilerplate) -> pa.Table:
    """boilerplate.parquet: one row per removed (site, line)."""
    return pa.table(
        {
            "site": learned.site,
            "line": learned.line,
            "words": learned.words,
            "removed_from_docs": learned.removed_from_docs,
            "distinct_pages": learned.distinct_pages,
            "site_pages": learned.site_pages,
            "scope": learned.scope,
        },
        schema=BOILERPLATE_SCHEMA,
    )
