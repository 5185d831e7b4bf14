"""Rewrite signature: the features of a text that survive paraphrase and translation.

A rewrite changes nearly every word sequence, so shingles cannot find it. What survives
paraphrase, spinning and translation round trips are proper names, numbers and rare long
words. A document's signature is:
- proper names (capitalised tokens not opening a sentence) as character n-grams of the
  padded, case-folded name, so a mangled spelling still shares most grams
  (Hvistendahl / Hvittendal / Khvitendal share "tend", "enda", "^hvi"...);
- numbers ("2003", "60s", "22");
- words of at least `rewrite_long_word` letters, cut to that length (a cheap stem).
Computed per batch in the workers (`signature_batch`), like the other fingerprints.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import xxhash

from ..clean.normalize import _FOLD
from ..config import Settings

__all__ = ["signature", "signatures", "signature_batch"]

# A sentence starts after . ! ? : ; or a closing quote followed by space, or at a line break.
_SENTENCES = re.compile(r"(?<=[.!?:;\"\u201d])\s+|\n+")
_TOKEN = re.compile(r"[^\W_][\w'\-]*")


def signature(text: str | None, settings: Settings) -> list[str]:
    """Sorted unique signature features of one clean text (strings, for tests and evidence)."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    n = settings.rewrite_name_ngram
    cut = settings.rewrite_long_word
    features: set[str] = set()
    # hand-written loop, but with cheap str checks only: this runs on every document
    for sentence in _SENTENCES.split(text):
        at_start = True
        for token in _TOKEN.findall(sentence):
            token = token.strip("'-")
            if not token:
                continue
            start, at_start = at_start, False
            if not token.isalpha() and any(c.isdigit() for c in token):
                if len(token) >= 2:
                    features.add("#" + token.casefold())
            elif not start and token[0].isupper() and len(token) >= 2:
                for part in token.split("-"):
                    if len(part) < 2:
                        continue
                    padded = "^" + part.casefold().removesuffix("'s") + "$"
                    for k in range(max(len(padded) - n + 1, 1)):
                        features.add("n:" + padded[k : k + n])
            elif len(token) >= cut and token.isalpha():
                features.add("w:" + token.casefold()[:cut])
    return sorted(features)


def signatures(texts, rows: np.ndarray, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """(feature hashes, their rows) for the given rows, unique per row."""
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for row in rows.tolist():
        feats = signature(texts[row], settings)
        if not feats:
            continue
        h = np.fromiter((xxhash.xxh3_64_intdigest(f.encode("utf-8")) for f in feats), dtype=np.uint64, count=len(feats))
        h = np.unique(h)
        keys.append(h)
        owners.append(np.full(len(h), row, dtype=np.int64))
    if not keys:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return np.concatenate(keys), np.concatenate(owners)


def signature_batch(texts: list[str | None], settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Signatures of a batch's documents long enough for the rewrite tier (rows in the batch)."""
    rows = np.array(
        [i for i, t in enumerate(texts) if t is not None and len(t.split()) >= settings.rewrite_min_words],
        dtype=np.int64,
    )
    return signatures(texts, rows, settings)
