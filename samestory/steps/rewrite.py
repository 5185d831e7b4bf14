"""The rewrite step's helpers (the cascade itself is rewrite/find.py, run from the plan)."""

from __future__ import annotations

import numpy as np

from .. import lexical
from ..config import Settings
from ..records import Pairs

__all__ = ["add_overlap_scores"]


def add_overlap_scores(pairs: Pairs, texts, settings: Settings) -> None:
    """Jaccard and containment of the shingle sets for pairs found without them (rewrites), so
    every pair in pairs.parquet and the report carries both word-overlap figures."""
    missing = [k for k, j in enumerate(pairs.jaccard) if j is None]
    for start in range(0, len(missing), 1024):  # bounded batches: shingle sets of ~2k texts at a time
        chunk = missing[start:start + 1024]
        rows = sorted({r for k in chunk for r in (pairs.a[k], pairs.b[k])})
        sets = dict(zip(rows, lexical.shingle_sets([t or "" for t in texts.take(rows)], settings.lexical.shingle_words)))
        for k in chunk:
            sa, sb = sets[pairs.a[k]], sets[pairs.b[k]]
            shared = len(np.intersect1d(sa, sb, assume_unique=True))
            _, jaccard, containment, _ = lexical.classify_overlap(shared, len(sa), len(sb), settings.lexical)
            pairs.jaccard[k], pairs.containment[k] = round(jaccard, 6), round(containment, 6)
