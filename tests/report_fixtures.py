"""Tables for the report tests: a real run on examples/ plus a hand-built seed rewrite group
(the rewrite tier lives on another branch) and documents carrying hostile markup."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pyarrow as pa

from samestory.output import DOCUMENT_SCHEMA, PAIR_SCHEMA, summarize

ROOT = Path(__file__).resolve().parents[1]
SEED_MEMBER = "seeds/000_7d1592cc4d73a734.txt"
SEED_CANON = "seeds/001_c17297793d428058.txt"
SEED_REASON = "came as a full page; names agree with the rest of the group (hand-built fixture)"

# (sentence of seeds/000, sentence of seeds/001, similarity): picked by hand from the clean texts.
SEED_ALIGNED = [
    ("Representatives of the China National Space Administration and the European Space Agency are currently holding "
     "discussions on the potential for cooperation in the construction of the orbital lunar base, as well as possible other "
     "joint projects in this area, Bloomberg reports referring to the European and Chinese media.",
     "China and the European Space Agency are discussing a potential collaboration for a human outpost on The Moon, according to reports.", 0.81),
    ("Chinese news agencies, referring to Secretary General of the China Space Agency (CNSA) Tian Yulonga, started talking about such a discussion.",
     "The secretary general for China’s space agency, Tian Yulong, first disclosed the talks about the envisioned lunar base in Chinese state media.", 0.78),
    ("The information was later confirmed by Paul Hvittendal, representative of the European Space Agency (ESA).",
     "They were confirmed today by Pal Hvistendahl, a spokesman for the European Space Agency, or ESA.", 0.84),
    ('"China has a very ambitious program for the development of the moon," Khvitendal noted.',
     "“The Chinese have a very ambitious moon program already in place,” Mr Hvistendahl said.", 0.86),
    ("Last week, the Chinese National Space Administration launched an unmanned spacecraft as part of a mission to dock with the now-empty Chinese orbital station.",
     "Last week, the China National Space Administration launched an unmanned spacecraft on a mission to dock with its currently unoccupied space station.", 0.93),
]
SEED_NAMES = [("Hvittendal", "Hvistendahl", 0.76), ("Khvitendal", "Hvistendahl", 0.71), ("Werner", "Woerner", 0.83)]

HOSTILE_TEXT = 'Before <script>window.__pwned = 1</script> middle <img src=x onerror="window.__pwned = 2"> after.'
HOSTILE_TITLE = '<img src=x onerror="window.__pwned = 3">Hostile title'
HOSTILE_URL = 'https://evil.example/"><script>window.__pwned=4</script>'


@functools.lru_cache(maxsize=1)
def examples_run() -> tuple[pa.Table, pa.Table]:
    """samestory on examples/ (one worker, no output folder), once per test process."""
    from samestory import Settings
    from samestory.pipeline import run

    result = run(ROOT / "examples", settings=Settings().replace(run={"workers": 1, "progress": False}))
    return result.documents, result.pairs


def seed_rewrite_pair() -> dict:
    """The pair as the rewrite tier writes it: doc_a is the member (000), so the report must flip it."""
    evidence = {
        "found_by": ["embedding"],
        "doc_cosine": 0.91,
        "coverage_a": 0.62,
        "coverage_b": 0.83,
        "aligned": [{"i": k, "j": k, "a": a, "b": b, "similarity": s} for k, (a, b, s) in enumerate(SEED_ALIGNED)],
        "name_variants": [{"a": a, "b": b, "similarity": s} for a, b, s in SEED_NAMES],
    }
    return {"doc_a": SEED_MEMBER, "doc_b": SEED_CANON, "relation": "rewrite", "score": 0.91,
            "jaccard": 0.02, "containment": 0.03, "evidence": json.dumps(evidence, sort_keys=True)}


def _doc(doc_id: str, **values) -> dict:
    row = {name: None for name in DOCUMENT_SCHEMA.names}
    row.update(doc_id=doc_id, source=doc_id, format="text", status="ok", n_words=0, chrome_lines_removed=0)
    row.update(values)
    return row


def hostile_rows() -> tuple[list[dict], list[dict]]:
    """A two-document group whose text, title and URL carry markup, and a rejected hostile document."""
    text_a = HOSTILE_TEXT + "\nThe harbour festival opened on a windy Saturday with a parade of tall ships."
    text_b = HOSTILE_TEXT + "\nThe harbour festival opened on a windy Sunday with a parade of tall ships."
    docs = [
        _doc("hostile/a.html", url=HOSTILE_URL, title=HOSTILE_TITLE, text=text_a, n_words=30,
             cluster_id="hostile/a.html", is_canonical=True, canonical_reason='<b onmouseover="window.__pwned=5">bold</b>'),
        _doc("hostile/b.html", url=HOSTILE_URL + "b", title=HOSTILE_TITLE, text=text_b, n_words=30,
             cluster_id="hostile/a.html", is_canonical=False, relation="near", score=0.8),
        _doc("hostile/rejected.html", status="rejected", reason='<img src=x onerror="window.__pwned=6">bad', url=HOSTILE_URL),
    ]
    pairs = [{"doc_a": "hostile/a.html", "doc_b": "hostile/b.html", "relation": "near", "score": 0.8, "jaccard": 0.8,
              "containment": 0.9, "evidence": json.dumps({"found_by": ["<script>window.__pwned=7</script>"]})}]
    return docs, pairs


def fixture_tables(documents: pa.Table, pairs: pa.Table, hostile: bool = True) -> tuple[pa.Table, pa.Table, dict]:
    """The examples run with the seed group made by hand (and, by default, the hostile documents)."""
    docs = documents.to_pylist()
    for row in docs:
        if row["doc_id"] == SEED_CANON:
            row.update(cluster_id=SEED_CANON, is_canonical=True, canonical_reason=SEED_REASON)
        elif row["doc_id"] == SEED_MEMBER:
            row.update(cluster_id=SEED_CANON, is_canonical=False, relation="rewrite", score=0.91)
    # the hand-built seed pair replaces the one the rewrite tier found, so the expected values are fixed here
    seeds = {SEED_CANON, SEED_MEMBER}
    pair_rows = [p for p in pairs.to_pylist() if {p["doc_a"], p["doc_b"]} != seeds] + [seed_rewrite_pair()]
    if hostile:
        extra_docs, extra_pairs = hostile_rows()
        docs += extra_docs
        pair_rows += extra_pairs
    documents = pa.Table.from_pylist(docs, schema=DOCUMENT_SCHEMA)
    pairs = pa.Table.from_pylist(pair_rows, schema=PAIR_SCHEMA)
    return documents, pairs, summarize(documents, pairs)


def synthetic_tables(n_groups: int, members: int = 1) -> tuple[pa.Table, pa.Table, dict]:
    """n_groups groups of 1 + members short near-duplicate documents (for the scale test)."""
    docs, pairs = [], []
    for g in range(n_groups):
        canon = f"site{g % 97}/story-{g:05d}.html"
        base = (f"Story {g} token zq{g:05d}x begins here. The council met on day {g % 28 + 1} to discuss item {g}.\n"
                f"Residents asked questions about the plan for street {g % 500}.")
        docs.append(_doc(canon, url=f"https://site{g % 97}.example/{g}", title=f"Story number {g}", text=base,
                         n_words=30, cluster_id=canon, is_canonical=True, canonical_reason="earliest date"))
        for k in range(members):
            member = f"copy{k}/story-{g:05d}.html"
            docs.append(_doc(member, url=f"https://copy{k}.example/{g}", title=f"Story number {g}",
                             text=base.replace("Residents", "Neighbours"), n_words=30, cluster_id=canon,
                             relation="near" if g % 3 else "partial", score=0.75))
            pairs.append({"doc_a": canon, "doc_b": member, "relation": "near" if g % 3 else "partial", "score": 0.75,
                          "jaccard": 0.75, "containment": 0.8, "evidence": json.dumps({"found_by": ["minhash-lsh"]})})
    documents = pa.Table.from_pylist(docs, schema=DOCUMENT_SCHEMA)
    pair_table = pa.Table.from_pylist(pairs, schema=PAIR_SCHEMA)
    return documents, pair_table, summarize(documents, pair_table)
