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

import unicodedata

import numpy as np
import xxhash

from ..clean.normalize import _FOLD
from ..config import Settings

__all__ = ["signature", "signatures", "signature_batch"]

_EDGE = "\"'()[]{}<>.,;:!?\u00ab\u00bb\u201c\u201d\u2018\u2019\u2026*"
_SENTENCE_END = tuple(".!?:;\"\u201d")


def signature(text: str | None, settings: Settings) -> list[str]:
    """Sorted unique signature features of one clean text (strings, for tests and evidence).

    Tokens come from str.split and are filtered by comprehensions with C-level str checks:
    this runs on every document, and a per-token regex loop cost 3-5x more."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    n = settings.rewrite_name_ngram
    cut = settings.rewrite_long_word
    features: set[str] = set()
    for line in text.split("\n"):
        toks = line.split()
        if not toks:
            continue
        # names: capitalised, not opening a sentence (the line start or after . ! ? : ; ")
        for i in [i for i, w in enumerate(toks) if i and w[:1].isupper()]:
            if toks[i - 1].endswith(_SENTENCE_END):
                continue
            token = toks[i].strip(_EDGE)
            if len(token) < 2 or not token[0].isupper() or not token.replace("-", "").replace("'", "").isalpha():
                continue
            for part in token.split("-"):
                if len(part) < 2:
                    continue
                padded = "^" + part.casefold().removesuffix("'s") + "$"
                for k in range(max(len(padded) - n + 1, 1)):
                    features.add("n:" + padded[k : k + n])
        # numbers: tokens with a digit
        for w in [w for w in toks if not w.isalpha()]:
            token = w.strip(_EDGE).strip("'-")
            if len(token) >= 2 and any(c.isdigit() for c in token):
                features.add("#" + token.casefold())
        # long words, cut to `cut` letters (a cheap stem)
        for w in [w for w in toks if len(w) >= cut]:
            token = w.strip(_EDGE)
            if len(token) >= cut and token.isalpha():
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
