"""The record types that travel between stages: documents as read, verified pairs, evidence.

Evidence stays structured (dataclasses) from the verifier to the writer; `evidence_json` is the
one place it becomes text, when pairs.parquet is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "RawDocument", "ExactEvidence", "LexicalEvidence", "AlignedSentences", "NameVariant", "RewriteEvidence",
    "TranslationEvidence", "Evidence", "Pairs", "GROUPING_RELATIONS", "RELATION_ORDER", "evidence_json",
]

# Strength order of relations: a chain of links is as weak as its weakest link.
# "related" pairs (near misses of the rewrite decision) are written but never grouped.
# A translation is the weakest grouping link: it shares no wording with its source.
RELATION_ORDER = {"exact": 0, "near": 1, "partial": 2, "rewrite": 3, "translation": 4, "related": 5}
GROUPING_RELATIONS = ("exact", "near", "partial", "rewrite", "translation")


@dataclass(slots=True)
class RawDocument:
    """One input document as read, before cleaning.

    `kind` says how `content` is to be cleaned: "html" (main-text extraction),
    "text" (chrome-line filter only) or "rejected" (`reason` says why; `content` is None).
    `date` is the value as found (string, number or datetime; parsed in the clean stage);
    `fetched` the crawl time when the input says it (WARC-Date), which bounds the date;
    `metadata` every other field of an input record, JSON-safe (None for files and pages);
    `record_id` the record's own id (JSONL/Parquet/dataset rows, WARC-Record-ID), if it has one.
    """

    doc_id: str
    source: str
    kind: str
    content: str | None = None
    url: str | None = None
    title: str | None = None
    date: Any = None
    reason: str | None = None
    metadata: dict | None = None
    fetched: str | None = None
    record_id: str | None = None

    @classmethod
    def rejected(cls, doc_id: str, source: str, reason: str) -> "RawDocument":
        return cls(doc_id=doc_id, source=source, kind="rejected", reason=reason)


@dataclass(frozen=True)
class ExactEvidence:
    """The normalised texts were compared and are equal (the hash alone never decides)."""

    def to_dict(self) -> dict[str, Any]:
        return {"normalized_text_equal": True}


@dataclass(frozen=True)
class LexicalEvidence:
    """Why a near or partial pair holds: shingle counts on both sides."""

    found_by: tuple[str, ...]      # "minhash-lsh", "anchors"
    shared_shingles: int
    shingles: tuple[int, int]      # set sizes of doc_a, doc_b
    shared_anchors: int
    length_ratio: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "found_by": list(self.found_by), "shared_shingles": self.shared_shingles,
            "shingles": list(self.shingles), "shared_anchors": self.shared_anchors, "length_ratio": self.length_ratio,
        }


@dataclass(frozen=True)
class AlignedSentences:
    i: int            # sentence index in doc_a
    j: int            # sentence index in doc_b
    a: str
    b: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"i": self.i, "j": self.j, "a": self.a, "b": self.b, "similarity": self.similarity}


@dataclass(frozen=True)
class NameVariant:
    a: str            # spelling in doc_a
    b: str            # spelling in doc_b
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "similarity": self.similarity}


@dataclass(frozen=True)
class RewriteEvidence:
    """Why a rewrite pair holds: the sentence alignment and its figures."""

    found_by: tuple[str, ...]
    doc_cosine: float
    coverage_a: float
    coverage_b: float
    order: float
    one_to_one: int
    strong_pairs: int
    sentences: tuple[int, int]
    aligned: tuple[AlignedSentences, ...]
    name_variants: tuple[NameVariant, ...]
    extra: tuple[tuple[str, Any], ...] = ()   # candidate figures (shared_features, signature_overlap)
    # the decision: (("features", {...}), ("judge", "full"|"static"), ("score", p), ("threshold", t))
    decision: tuple[tuple[str, Any], ...] | None = None
    # sentences both texts hold verbatim (quotes, list lines, copied prose; the first 10) and their count
    shared_passages: tuple[str, ...] = ()
    shared_passage_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = {
            "found_by": list(self.found_by), "doc_cosine": self.doc_cosine, "coverage_a": self.coverage_a,
            "coverage_b": self.coverage_b, "order": self.order, "one_to_one": self.one_to_one,
            "strong_pairs": self.strong_pairs, "sentences": list(self.sentences),
            "aligned": [x.to_dict() for x in self.aligned], "name_variants": [v.to_dict() for v in self.name_variants],
        }
        out.update(self.extra)
        if self.decision is not None:
            out["decision"] = dict(self.decision)
        if self.shared_passage_count:
            out["shared_passages"] = list(self.shared_passages)
            out["shared_passage_count"] = self.shared_passage_count
        return out


@dataclass(frozen=True)
class TranslationEvidence:
    """Why a translation pair holds: the languages, the cross-language sentence alignment, and
    the names and numbers found on both sides of aligned sentences."""

    found_by: tuple[str, ...]
    languages: tuple[str | None, str | None]     # of doc_a, doc_b
    coverage_a: float
    coverage_b: float
    order: float
    one_to_one: int
    strong_pairs: int
    sentences: tuple[int, int]                   # sentences the judge read, per side
    aligned: tuple[AlignedSentences, ...]
    names: tuple[NameVariant, ...]               # a name as doc_a and doc_b spell it (any script)
    numbers: tuple[str, ...]                     # numbers on both sides of aligned sentences (digits)
    extra: tuple[tuple[str, Any], ...] = ()      # candidate figures (shared_features, signature_overlap)
    decision: tuple[tuple[str, Any], ...] | None = None  # as RewriteEvidence's, judge "e5"

    def to_dict(self) -> dict[str, Any]:
        out = {
            "found_by": list(self.found_by), "languages": list(self.languages), "coverage_a": self.coverage_a,
            "coverage_b": self.coverage_b, "order": self.order, "one_to_one": self.one_to_one,
            "strong_pairs": self.strong_pairs, "sentences": list(self.sentences),
            "aligned": [x.to_dict() for x in self.aligned], "names": [v.to_dict() for v in self.names],
            "numbers": list(self.numbers),
        }
        out.update(self.extra)
        if self.decision is not None:
            out["decision"] = dict(self.decision)
        return out


Evidence = ExactEvidence | LexicalEvidence | RewriteEvidence | TranslationEvidence


def evidence_json(evidence: Evidence) -> str:
    """The evidence column's text: sorted keys, so the same pair always gives the same bytes."""
    return json.dumps(evidence.to_dict(), sort_keys=True, ensure_ascii=False)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


@dataclass
class Pairs:
    """Verified pairs of rows (a < b for lexical pairs), column by column."""

    a: list[int] = field(default_factory=list)
    b: list[int] = field(default_factory=list)
    relation: list[str] = field(default_factory=list)
    score: list[float] = field(default_factory=list)
    jaccard: list[float | None] = field(default_factory=list)
    containment: list[float | None] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def add(self, a: int, b: int, relation: str, score: float, jaccard, containment, evidence: Evidence) -> None:
        self.a.append(a)
        self.b.append(b)
        self.relation.append(relation)
        self.score.append(round(float(score), 6))
        self.jaccard.append(_rounded(jaccard))
        self.containment.append(_rounded(containment))
        self.evidence.append(evidence)

    def with_relations(self, relations: tuple[str, ...]) -> "Pairs":
        """The pairs whose relation is one of `relations`, in order."""
        keep = [k for k, r in enumerate(self.relation) if r in relations]
        return Pairs(**{name: [getattr(self, name)[k] for k in keep] for name in self.__dataclass_fields__})

    def extend(self, other: "Pairs") -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))

    def __len__(self) -> int:
        return len(self.a)
