"""The fastest script a user would otherwise write: rensa RMinHash + RMinHashLSH, one process.

Word 5-grams (the same shingles as baseline_datasketch.py), RMinHash with 128 permutations,
RMinHashLSH with threshold 0.5 and 32 bands (4 rows a band); each document queries the index
of the documents before it, then joins it; groups = connected components of the query
results. Writes {doc_id: group_label} as JSON, as baseline_datasketch.py does, so
bench_text.py scores both the same way (recall per planted relation, pair precision).

    python benchmarks/baseline_rensa.py corpus.jsonl groups.json
"""

from __future__ import annotations

import json
import re
import sys

import numpy as np
from rensa import RMinHash, RMinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

WORD = re.compile(r"\w+")


def shingles(text: str, k: int = 5) -> list[str]:
    words = WORD.findall(text.lower())
    if len(words) < k:
        return [" ".join(words)]
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]


def main(corpus: str, out: str) -> None:
    lsh = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=32)
    ids, a, b = [], [], []
    with open(corpus, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            rec = json.loads(line)
            m = RMinHash(num_perm=128, seed=42)
            m.update(shingles(rec["text"]))
            for j in lsh.query(m):
                a.append(i)
                b.append(j)
            lsh.insert(i, m)
            ids.append(rec["id"])
    n = len(ids)
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    with open(out, "w") as fh:
        json.dump({doc_id: int(label) for doc_id, label in zip(ids, labels)}, fh)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
