"""Choose the original: one canonical document per group, by evidence, with the reason.

The rule (QUESTIONS.md). Signals are applied in this order; each one keeps only the members
that are best on it among those still in the running, and the reason names every signal
that put a member out:

1. complete text: a member that is the shorter side of a verified `partial` pair with
   another member is an excerpt of it, and an excerpt is not the original of the fuller
   text, whatever its date says;
2. publication date (page metadata or the record's date field, see clean/dates.py): a member
   is out when another member's date is certainly earlier. Dates keep their precision and
   two are compared at the coarser of the two, so a year-only "2024" neither beats nor loses
   to 2024-03-04 (both stay), while two times on one day are ordered by the clock. Dates
   after the crawl (or run) time were refused when read. A missing date is unknown, neither
   early nor late: an undated member is not put out by a dated one here, and it cannot win
   by its missing date either (signal 7 prefers a dated member when all else is equal);
2b. translation source: of the members still in the running, those that the most other
   members align to in full through a `translation` pair (the partner's side of the pair
   has coverage >= FULL_COVERAGE: every sentence it has is in this member) stay. A source
   with k translations counts k, each translation counts 1 (its source), so when dates tie a
   translation is never the original of its source once two or more members translate it;
   a translation of an excerpt counts for the full text, not the other way round. A group of
   one source and one full translation and nothing else counts 1 and 1: the text cannot tell
   which came first, and the signals below decide;
3. names: a member that spells names against the rest of the group is out. From the
   `name_variants` the verifier records per pair ({"a": spelling in doc_a, "b": in doc_b}),
   each spelling gets the votes of the members that use it; a member is off on a name when
   it uses a spelling with fewer votes than the most used one, or several spellings of
   the one name (a mangled copy is often inconsistent: "Hvittendal" and "Khvitendal");
4. form: a full page (HTML, with title, URL and site) over a page missing some of them,
   over a bare text;
5. no site-UI lines: a member whose text had chrome lines removed (leave a comment, Log
   in...) was scraped with the page around it; members without are preferred;
6. more words: of two complete texts the fuller (copies drop more than they add);
7. a known date over an unknown one (only between texts equal on everything above);
8. the smallest doc_id (stable tie-break).

Each member's `relation` says how it derives from the canonical: the direct verified pair
when there is one, else the weakest link on the strongest path through the group.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .clean.dates import PRECISIONS, PublishedDate, earliest_of
from .records import RELATION_ORDER, Evidence, Pairs, RewriteEvidence, TranslationEvidence

__all__ = ["DocumentFacts", "FULL_COVERAGE", "Originals", "choose_originals", "name_spelling_faults"]

#: A translation pair's side with at least this aligned share is "aligned in full" (signal 2b).
FULL_COVERAGE = 0.8


@dataclass
class Originals:
    canonical: np.ndarray        # (n,) int64: row of the group's canonical document
    relation: list[str | None]   # None for canonical and unique documents
    score: list[float | None]
    via: list[str | None]        # doc_id path when the link to the canonical is indirect
    reason: list[str | None]     # why this canonical was chosen (canonicals of groups > 1)


def _plural(k: int, word: str = "member") -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def name_spelling_faults(
    members: Sequence[int], variants: list[tuple[int, str, int, str]]
) -> tuple[dict[int, int], dict[int, list[str]]]:
    """Per member, how many names it spells against the group, and examples ("X for Y").

    `variants`: (row_a, spelling in row_a, row_b, spelling in row_b) from the pairs' evidence.
    Spellings linked by a variant are one name (union-find over spellings)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    uses: dict[int, set[str]] = {}
    for ra, sa, rb, sb in variants:
        root_a, root_b = find(sa), find(sb)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
        uses.setdefault(ra, set()).add(sa)
        uses.setdefault(rb, set()).add(sb)
    # votes per spelling: (members using it, members using only it for that name)
    by_member: dict[int, dict[str, list[str]]] = {}
    for m, spellings in uses.items():
        for sp in sorted(spellings):
            by_member.setdefault(m, {}).setdefault(find(sp), []).append(sp)
    votes: dict[str, tuple[int, int]] = {}
    for names in by_member.values():
        for spellings in names.values():
            for sp in spellings:
                used, only = votes.get(sp, (0, 0))
                votes[sp] = (used + 1, only + (len(spellings) == 1))
    top: dict[str, tuple[tuple[int, int], str]] = {}  # name -> (best votes, a spelling with them)
    for sp, v in sorted(votes.items()):
        root = find(sp)
        if root not in top or v > top[root][0]:
            top[root] = (v, sp)
    faults: dict[int, int] = {m: 0 for m in members}
    examples: dict[int, list[str]] = {m: [] for m in members}
    for m in members:
        for root, spellings in sorted(by_member.get(m, {}).items()):
            best_votes, best = top[root]
            if len(spellings) > 1 or votes[spellings[0]] < best_votes:
                faults[m] += 1
                others = [sp for sp in spellings if sp != best]
                examples[m].append(f"'{' / '.join(others)}' for '{best}'")
    return faults, examples


def _variants_of(pairs_a, pairs_b, evidence: Sequence[Evidence] | None) -> dict[int, list[tuple[int, str, int, str]]]:
    """name_variants per row (both ends of each pair get the pair's variants)."""
    out: dict[int, list[tuple[int, str, int, str]]] = {}
    for a, b, ev in zip(pairs_a, pairs_b, evidence or ()):
        if not isinstance(ev, RewriteEvidence):
            continue
        for variant in ev.name_variants:
            v = (int(a), variant.a, int(b), variant.b)
            out.setdefault(int(a), []).append(v)
            out.setdefault(int(b), []).append(v)
    return out


@dataclass
class DocumentFacts:
    """The columns the rule reads, by row. An optional column left None treats every member alike."""

    doc_id: Sequence[str]
    date: Sequence[PublishedDate | None]
    n_words: np.ndarray
    kind: Sequence[str] | None = None
    title: Sequence[str | None] | None = None
    url: Sequence[str | None] | None = None
    site: Sequence[str | None] | None = None
    chrome_lines: Sequence[int] | None = None

    def form(self, m: int) -> list[str]:
        """What the member came with: HTML, title, URL, site (signal 4)."""
        have = ["HTML"] if self.kind is not None and self.kind[m] == "html" else []
        for label, col in (("title", self.title), ("URL", self.url), ("site", self.site)):
            if col is not None and col[m]:
                have.append(label)
        return have

    def chrome(self, m: int) -> int:
        return int(self.chrome_lines[m] or 0) if self.chrome_lines is not None else 0


@dataclass
class _Race:
    """Members still in the running, and what put the others out."""

    alive: list[int]
    said: list[str]

    def keep(self, best_of: list[int], phrase: str, noun: str = "member") -> None:
        out = len(self.alive) - len(best_of)
        if out > 0:
            self.said.append(phrase.format(out=_plural(out, noun)))
            self.alive = best_of


def _choose(members: list[int], facts: DocumentFacts, excerpts: set[int], variants: list,
            aligned_to: dict[int, int] | None = None) -> tuple[int, str]:
    """Apply the signals in order; return the canonical row and the reason."""
    dates, n_words, doc_ids = facts.date, facts.n_words, facts.doc_id
    race = _Race(alive=list(members), said=[])
    # 1. complete text: drop excerpts (shorter side of a partial pair with a member)
    full = [m for m in race.alive if m not in excerpts]
    if full:
        race.keep(full, "complete text ({out} in the group)", noun="excerpt")
    # 2. earliest date among the dated (at the coarser precision of each two); undated members stay
    earliest = {race.alive[i] for i in earliest_of([dates[m] for m in race.alive])}
    if earliest:
        shown = sorted({dates[m] for m in earliest}, key=lambda d: (-PRECISIONS.index(d.precision), d.when))
        label = " / ".join(str(d) for d in shown[:3])
        race.keep([m for m in race.alive if dates[m] is None or m in earliest], f"earliest date ({label}; {{out}} dated later)")
    # 2b. translation source: the member the most translations align to in full
    if aligned_to:
        most = max(aligned_to.get(m, 0) for m in race.alive)
        if most > min(aligned_to.get(m, 0) for m in race.alive):
            race.keep([m for m in race.alive if aligned_to.get(m, 0) == most],
                      f"translation source ({most} member{'s' if most != 1 else ''} translate it in full; {{out}} translated from it)",
                      noun="translation")
    # 3. names spelled as the group spells them
    faults, examples = name_spelling_faults(members, variants)
    fewest = min(faults[m] for m in race.alive)
    worse = [m for m in race.alive if faults[m] > fewest]
    if worse:
        sample = "; ".join(f"{doc_ids[m]} has {', '.join(examples[m][:2])}" for m in worse[:2])
        race.keep([m for m in race.alive if faults[m] == fewest], f"names spelled as the group spells them ({{out}} not: {sample})")
    # 4. form: html page with title, url, site
    form = {m: facts.form(m) for m in race.alive}
    best_form = max(len(f) for f in form.values())
    top = [m for m in race.alive if len(form[m]) == best_form]
    race.keep(top, f"came as the fullest page ({', '.join(form[top[0]]) or 'nothing'}; {{out}} with less)")
    # 5. no site-UI lines
    clean = [m for m in race.alive if not facts.chrome(m)]
    if clean:
        race.keep(clean, "no site-UI lines in its text ({out} had chrome lines removed)")
    # 6. more words (the fuller of two complete texts: copies drop more than they add)
    most = max(int(n_words[m]) for m in race.alive)
    race.keep([m for m in race.alive if int(n_words[m]) == most], f"most words ({most}; {{out}} shorter)")
    # 7. a known date over an unknown one
    dated = [m for m in race.alive if dates[m]]
    if dated:
        race.keep(dated, f"dated ({dates[dated[0]]}; {{out}} without a date)")
    # 8. stable tie-break
    best = min(race.alive, key=lambda m: doc_ids[m])
    race.keep([best], "smallest doc_id ({out} equal on every other signal)")
    checks = (
        ("complete text", "complete text", lambda m: m not in excerpts),
        ("names spelled", "names spelled as the group spells them", lambda m: -faults[m]),
        ("fullest page", "the fullest page", lambda m: len(facts.form(m))),
        ("site-UI", "no site-UI lines", lambda m: not facts.chrome(m)),
    )
    race.said += _agreeing_signals(best, members, race.said, checks)
    if not any(dates[m] for m in members):
        race.said.append("no member has a date")
    return best, "; ".join(race.said)


def _agreeing_signals(best: int, members: list[int], said: list[str], checks) -> list[str]:
    """Signals that did not decide but agree: the canonical is best on them among all members."""
    deciding = " ".join(said)
    support = []
    for marker, phrase, value in checks:
        if marker in deciding:
            continue
        mine, others = value(best), [value(m) for m in members if m != best]
        if all(mine >= o for o in others) and any(mine > o for o in others):
            support.append(phrase)
    return ["also " + ", ".join(support)] if support else []


def choose_originals(groups: np.ndarray, pairs: Pairs, facts: DocumentFacts, pinned: np.ndarray | None = None) -> Originals:
    """Canonical per group by the signals above, and each member's relation to it. A group with
    `pinned` rows (reference documents that are canonical in their own run) keeps the first."""
    n = len(groups)
    canonical = np.arange(n, dtype=np.int64)
    relation: list[str | None] = [None] * n
    score: list[float | None] = [None] * n
    via: list[str | None] = [None] * n
    reason: list[str | None] = [None] * n
    n_words = facts.n_words
    adjacency: dict[int, list[tuple[int, str, float]]] = {}
    excerpts: set[int] = set()
    for a, b, rel, sc in zip(pairs.a, pairs.b, pairs.relation, pairs.score):
        adjacency.setdefault(a, []).append((b, rel, sc))
        adjacency.setdefault(b, []).append((a, rel, sc))
        if rel == "partial" and int(n_words[a]) != int(n_words[b]):
            excerpts.add(a if n_words[a] < n_words[b] else b)
    variants_of = _variants_of(pairs.a, pairs.b, pairs.evidence)
    aligned_to: dict[int, int] = {}  # row -> translations that align to it in full (signal 2b)
    for a, b, rel, ev in zip(pairs.a, pairs.b, pairs.relation, pairs.evidence or [None] * len(pairs.a)):
        if rel == "translation" and isinstance(ev, TranslationEvidence):
            if ev.coverage_b >= FULL_COVERAGE:
                aligned_to[int(a)] = aligned_to.get(int(a), 0) + 1
            if ev.coverage_a >= FULL_COVERAGE:
                aligned_to[int(b)] = aligned_to.get(int(b), 0) + 1
    members_of: dict[int, list[int]] = {}
    for row in adjacency:
        members_of.setdefault(int(groups[row]), []).append(row)
    for label in sorted(members_of):
        members = sorted(members_of[label])
        member_set = set(members)
        variants = sorted({v for m in members for v in variants_of.get(m, ()) if v[0] in member_set and v[2] in member_set})
        fixed = [m for m in members if pinned[m]] if pinned is not None else []
        best, why = (fixed[0], "canonical in the reference run") if fixed else _choose(members, facts, excerpts, variants, aligned_to)
        reason[best] = why
        canonical[members] = best
        _label_members(best, adjacency, relation, score, via, facts.doc_id)
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
