"""Rewrite signature: the features of a text that survive paraphrase and translation.

A rewrite changes nearly every word sequence, so shingles cannot find it. What survives
paraphrase, spinning and translation round trips are proper names, numbers and rare long
words. A document's signature is:
- proper names (capitalised tokens not opening a sentence) as character n-grams of the
  padded, case-folded name, so a mangled spelling still shares most grams
  (Hvistendahl / Hvittendal / Khvitendal share "tend", "enda", "^hvi"...);
- numbers ("2003", "60s", "22");
- words of at least `long_word` letters, cut to that length (a cheap stem).
Computed per batch in the workers (`signature_batch`), like the other fingerprints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xxhash

from ..clean.normalize import fold_typography
from ..config import RewriteSettings
from ..groupby import concat_keyed, replace_keyed_rows, sorted_unique

__all__ = ["Signatures", "signature", "signature_batch", "concat_signatures", "replace_signature_rows"]

_EDGE = "\"'()[]{}<>.,;:!?\u00ab\u00bb\u201c\u201d\u2018\u2019\u2026*"
_SENTENCE_END = tuple(".!?:;\"\u201d")


def signature(text: str | None, settings: RewriteSettings) -> list[str]:
    """Sorted unique signature features of one clean text (strings, for tests and evidence).

    Tokens come from str.split and are filtered by comprehensions with C-level str checks:
    this runs on every document, and a per-token regex loop cost 3-5x more."""
    if not text:
        return []
    text = fold_typography(text)
    n = settings.name_ngram
    cut = settings.long_word
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


@dataclass
class Signatures:
    """Signature features of a batch or corpus, flat: feature hash and the row that has it."""

    feature_hash: np.ndarray   # (m,) uint64, unique per row
    row: np.ndarray            # (m,) int64


def signature_batch(texts: list[str | None], settings: RewriteSettings) -> Signatures:
    """Signatures of a batch's documents long enough for the rewrite tier (rows in the batch)."""
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for row, text in enumerate(texts):
        if text is None or len(text.split()) < settings.min_words:
            continue
        feats = signature(text, settings)
        if not feats:
            continue
        h = np.fromiter((xxhash.xxh3_64_intdigest(f.encode("utf-8")) for f in feats), dtype=np.uint64, count=len(feats))
        h = sorted_unique(h)
        keys.append(h)
        owners.append(np.full(len(h), row, dtype=np.int64))
    if not keys:
        return Signatures(np.zeros(0, np.uint64), np.zeros(0, np.int64))
    return Signatures(np.concatenate(keys), np.concatenate(owners))


def concat_signatures(parts: list[Signatures], sizes: list[int]) -> Signatures:
    """Join batch signatures in order (`sizes`: documents per batch)."""
    return Signatures(*concat_keyed([(p.feature_hash, p.row) for p in parts], sizes))


def replace_signature_rows(sig: Signatures, rows: np.ndarray, new: Signatures) -> Signatures:
    """`sig` with the given rows' features replaced by `new` (row k of `new` is rows[k])."""
    return Signatures(*replace_keyed_rows(sig.feature_hash, sig.row, rows, new.feature_hash, new.row))
