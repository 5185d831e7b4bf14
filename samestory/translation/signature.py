"""Translation signatures: the features of a text that survive translation into another language.

A translation shares almost no word with its source, but it keeps what translators do not
translate:
- numbers, folded to their digits ("2.000", "2,000" and "2 000" are one number; at least two
  digits, since "3" is often written out), so years and day numbers of dates count too;
- URLs and e-mail addresses (their host, case-folded);
- proper names, transliterated to Latin with anyascii (Cyrillic, Greek, Armenian, Georgian,
  Arabic, Hebrew, Devanagari... and katakana, the script of foreign names in Japanese) and
  folded to a consonant skeleton, so Hvistendahl, Хвистендаль and Khvitendal meet: the
  skeleton's character n-grams are the features (`name_key`, below).
Names are capitalised tokens that do not open a sentence (scripts with case), or katakana runs.
Scripts without case (Chinese, Korean, Thai) give numbers, URLs and the Latin names and
acronyms written inside them only: no name detector there (README, limits).

anyascii (ISC licence, table-driven, every Unicode script) rather than unidecode (GPL,
fewer scripts) or a per-script table of our own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import xxhash
from anyascii import anyascii

from ..groupby import concat_keyed, replace_keyed_rows, sorted_unique

__all__ = ["TranslationSignatures", "name_key", "translation_signature", "translation_signature_batch",
           "concat_translation_signatures", "replace_translation_signature_rows", "sentence_anchors", "text_units"]

_URL = re.compile(r"(?:https?://|www\.)([^\s/\"'<>)\]]+)|[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", re.IGNORECASE)
_NUMBER = re.compile(r"\d(?:[\d.,\u00a0\u202f' ]*\d)?")
_TOKEN = re.compile(r"[^\W\d_][^\W\d_'\u2019\-]*", re.UNICODE)
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]{2,}")
_SENTENCE_END = tuple(".!?:;\"\u201d\u00bb\u3002\uff01\uff1f")
# The consonant skeleton: transliterations of one name differ mostly in vowels, doubled
# letters, h-digraphs and voicing (Хвистендаль -> Khvistendal', Χβίστενταλ -> Chvistental).
_DIGRAPHS = (("sch", "s"), ("tch", "c"), ("kh", "k"), ("ch", "k"), ("ph", "f"), ("th", "t"), ("sh", "s"),
             ("zh", "s"), ("ck", "k"), ("ts", "s"), ("tz", "s"), ("x", "ks"), ("q", "k"))
_FOLD = str.maketrans("bdgvwzcjy", "ptkffsksi")
_VOWELS = re.compile(r"[aeiouh']+")


@functools.lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The consonant skeleton of a name in any script: Hvistendahl, Хвистендаль, Khvitendal ->
    'fstntl', 'kfstntl', 'kftntl' (empty for a name with no consonant)."""
    s = anyascii(name).casefold()
    s = re.sub(r"[^a-z']", "", s)
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = _VOWELS.sub("", s.translate(_FOLD))
    return re.sub(r"(.)\1+", r"\1", s)


def _names(line: str) -> list[str]:
    toks = line.split()
    out = []
    for i, w in enumerate(toks):
        if not i or not w[:1].isupper() or toks[i - 1].endswith(_SENTENCE_END):
            continue
        m = _TOKEN.search(w)
        if m and m.start() <= 1 and len(m.group()) >= 3 and m.group()[:1].isupper():
            out.append(m.group())
    out.extend(_KATAKANA.findall(line))
    return out


def sentence_anchors(sentence: str) -> frozenset[str]:
    """A sentence's numbers, hosts and name skeletons: what its translation also holds (the
    cheap screen compares these, sentence by sentence)."""
    out = set()
    for m in _NUMBER.finditer(sentence):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) >= 2:
            out.add("#" + digits)
    for m in _URL.finditer(sentence):
        out.add("@" + (m.group(1) or m.group(2)).casefold().rstrip("."))
    for name in _names(sentence):
        key = name_key(name)
        if len(key) >= 2:
            out.add("n:" + key)
    return frozenset(out)


def translation_signature(text: str | None, name_ngram: int = 4) -> list[str]:
    """Sorted unique signature features of one clean text (strings, for tests and evidence):
    '#digits', '@host', 'N:' + each name skeleton and 'n:' + its padded character n-grams."""
    if not text:
        return []
    features: set[str] = set()
    for line in text.split("\n"):
        for feature in sentence_anchors(line):
            if not feature.startswith("n:"):
                features.add(feature)
                continue
            features.add("N:" + feature[2:])  # the whole skeleton: rare, so it survives the df filter
            padded = "^" + feature[2:] + "$"
            for k in range(max(len(padded) - name_ngram + 1, 1)):
                features.add("n:" + padded[k : k + name_ngram])
    return sorted(features)


@dataclass
class TranslationSignatures:
    """Signature features of a batch or corpus, flat: feature hash and the row that has it."""

    feature_hash: np.ndarray   # (m,) uint64, unique per row
    row: np.ndarray            # (m,) int64


def translation_signature_batch(texts: list[str | None], min_words: int = 30, name_ngram: int = 4) -> TranslationSignatures:
    """Signatures of a batch's documents long enough for the translation tier (rows in the batch).
    `min_words` counts words, or for text without spaces (CJK) characters / 2."""
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for row, text in enumerate(texts):
        if text is None or text_units(text) < min_words:
            continue
        feats = translation_signature(text, name_ngram)
        if not feats:
            continue
        h = sorted_unique(np.fromiter((xxhash.xxh3_64_intdigest(f.encode("utf-8")) for f in feats),
                                      dtype=np.uint64, count=len(feats)))
        keys.append(h)
        owners.append(np.full(len(h), row, dtype=np.int64))
    if not keys:
        return TranslationSignatures(np.zeros(0, np.uint64), np.zeros(0, np.int64))
    return TranslationSignatures(np.concatenate(keys), np.concatenate(owners))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def text_units(text: str) -> int:
    """Words, counting two CJK characters as one (those scripts put no spaces between words)."""
    cjk = len(_CJK.findall(text))
    return len(text.split()) + cjk // 2 if cjk else len(text.split())


def concat_translation_signatures(parts: list[TranslationSignatures], sizes: list[int]) -> TranslationSignatures:
    """Join batch signatures in order (`sizes`: documents per batch)."""
    return TranslationSignatures(*concat_keyed([(p.feature_hash, p.row) for p in parts], sizes))


def replace_translation_signature_rows(sig: TranslationSignatures, rows: np.ndarray,
                                       new: TranslationSignatures) -> TranslationSignatures:
    """`sig` with the given rows' features replaced by `new` (row k of `new` is rows[k])."""
    return TranslationSignatures(*replace_keyed_rows(sig.feature_hash, sig.row, rows, new.feature_hash, new.row))
