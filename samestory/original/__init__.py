"""Stage 7, choose the original: one canonical document per group, by a stated rule.

Rule (QUESTIONS.md): earliest known publication date; then the most complete text (most
words); then the smallest doc_id. Each member's `relation` says how it derives from the
canonical: the direct verified pair when there is one, else the weakest link on the
strongest path through the group.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from ..verify import RELATION_ORDER

__all__ = ["Originals", "choose_originals"]


@dataclass
class Originals:
    canonical: np.ndarray        # (n,) int64: row of the group's canonical document
    relation: list[str | None]   # None for canonical and unique documents
    score: list[float | None]
    via: list[str | None]        # doc_id path when the link to the canonical is indirect
    reason: list[str | None]     # why this canonical was chosen (canonicals of groups > 1)


def _rank_key(row: int, dates: list[str | None], n_words: np.ndarray, doc_ids: list[str]) -> tuple:
    date = dates[row]
    return (date is None, date or "", -int(n_words[row]), doc_ids[row])


def _reason(best: int, members: list[int], dates, n_words, doc_ids) -> str:
    others = [m for m in members if m != best]
    date = dates[best]
    if date is not None and all(dates[m] is None or dates[m] > date for m in others):
        return f"earliest date ({date})"
    tied = [m for m in others if dates[m] == date]
    if all(n_words[m] < n_words[best] for m in tied):
        return f"most complete text ({int(n_words[best])} words)" + ("" if date else "; no member has a date")
    return "smallest doc_id among equally dated, equally long documents"


def choose_originals(
    groups: np.ndarray,
    pairs_a: list[int],
    pairs_b: list[int],
    pair_relation: list[str],
    pair_score: list[float],
    dates: list[str | None],
    n_words: np.ndarray,
    doc_ids: list[str],
) -> Originals:
    n = len(groups)
    canonical = np.arange(n, dtype=np.int64)
    relation: list[str | None] = [None] * n
    score: list[float | None] = [None] * n
    via: list[str | None] = [None] * n
    reason: list[str | None] = [None] * n

    adjacency: dict[int, list[tuple[int, str, float]]] = {}
    for a, b, rel, sc in zip(pairs_a, pairs_b, pair_relation, pair_score):
        adjacency.setdefault(a, []).append((b, rel, sc))
        adjacency.setdefault(b, []).append((a, rel, sc))

    members_of: dict[int, list[int]] = {}
    for row in adjacency:
        members_of.setdefault(int(groups[row]), []).append(row)
    for label in sorted(members_of):
        members = sorted(members_of[label])
        best = min(members, key=lambda r: _rank_key(r, dates, n_words, doc_ids))
        reason[best] = _reason(best, members, dates, n_words, doc_ids)
        canonical[members] = best
        _label_members(best, adjacency, relation, score, via, doc_ids)
    return Originals(canonical=canonical, relation=relation, score=score, via=via, reason=reason)


def _label_members(start: int, adjacency, relation, score, via, doc_ids) -> None:
    """Best path from the canonical to each member: weakest relation first, then score."""
    # heap entries: (worst relation order on path, -lowest score on path, hops, row, path)
    heap = [(-1, -1.0, 0, start, (start,))]
    done: set[int] = set()
    while heap:
        worst, neg_score, hops, row, path = heapq.heappop(heap)
        if row in done:
            continue
        done.add(row)
        if row != start:
            rel_name = next(k for k, v in RELATION_ORDER.items() if v == worst)
            relation[row] = rel_name
            score[row] = -neg_score
            if len(path) > 2:
                via[row] = " > ".join(doc_ids[p] for p in path)
        for other, rel, sc in adjacency.get(row, ()):
            if other in done:
                continue
            order = max(worst, RELATION_ORDER[rel])
            low = min(-neg_score, sc)
            heapq.heappush(heap, (order, -low, hops + 1, other, path + (other,)))
