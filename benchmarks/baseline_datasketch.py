"""The baseline a user would otherwise run: datasketch MinHash + MinHashLSH.

Word 5-grams, 128 permutations, LSH threshold 0.5, one process, groups = connected
components of the query results. Writes {doc_id: group_label} as JSON.

    python benchmarks/baseline_datasketch.py corpus.jsonl groups.json
"""

from __future__ import annotations

import json
import re
import sys

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

WORD = re.compile(r"\w+")


def shingles(text: str, k: int = 5) -> list[bytes]:
    words = WORD.findall(text.lower())
    if len(words) < k:
        return [" ".join(words).encode()]
    return [" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)]


def main(corpus: str, out: str) -> None:
    ids, sigs = [], []
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            m = MinHash(num_perm=128, seed=1)
            m.update_batch(shingles(rec["text"]))
            ids.append(rec["id"])
            sigs.append(m)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    a, b = [], []
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j != i:
                a.append(i)
                b.append(j)
    n = len(ids)
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    with open(out, "w") as fh:
        json.dump({doc_id: int(label) for doc_id, label in zip(ids, labels)}, fh)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
