"""The translation step's per-chunk work (the tier itself is translation/find.py, run from the plan)."""

from __future__ import annotations

import numpy as np

__all__ = ["translation_signatures"]


def translation_signatures(item, settings) -> tuple[np.ndarray, np.ndarray]:
    """Per chunk of rows, in a worker: their translation signatures (feature hashes, rows), from
    the texts the worker reads itself (`item`: a text job and its rows)."""
    from ..translation import translation_signature_batch

    text_job, rows = item
    found = text_job.read()
    sig = translation_signature_batch([found[r] for r in rows], settings.min_words, settings.name_ngram)
    return sig.feature_hash, np.asarray(rows, dtype=np.int64)[sig.row]
