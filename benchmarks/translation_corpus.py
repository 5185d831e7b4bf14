"""The WMT21-based translation set: documents in two languages and labelled pairs.

From each WMT21 article (benchmarks/wmt.py; is-en, en-is, de-fr, fr-de): its source, its
human reference and `--systems` machine translations (drawn per article, seeded) are documents.
Positives: source ~ reference ("human") and source ~ each machine translation ("machine").
Negatives:
- "other-article": the source against the reference of the 3 other articles of its set that
  share the most translation-signature features with it (the same weeks and topics);
- "same-names": built, the hardest: the reference of the most similar other article with its
  names replaced by the names of this article's reference (most frequent first), so numbers
  aside it carries this article's names in a different article's sentences.
Documents carry their language as WMT states it: the stand-in for language detection in
this benchmark only.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass

from benchmarks.wmt import SETS, read_set
from samestory.translation.signature import _names, translation_signature


@dataclass
class Doc:
    doc_id: str
    article: str       # set/article id: documents of one article are one story
    set: str
    kind: str          # src, ref, hyp, same-names
    lang: str
    text: str


def _replace_names(text: str, names_from: list[str], names_to: list[str]) -> str:
    for old, new in zip(names_from, names_to):
        text = re.sub(r"(?<!\w)" + re.escape(old) + r"(?!\w)", new, text)
    return text


def _top_names(text: str, k: int = 8) -> list[str]:
    counts = Counter(n for line in text.split("\n") for n in _names(line))
    return [n for n, _ in counts.most_common(k)]


def build(systems: int = 3, seed: int = 7, negatives_per_article: int = 3):
    """(documents, pairs): pairs are (doc index a, doc index b, label, kind)."""
    rng = random.Random(seed)
    docs: list[Doc] = []
    pairs: list[tuple[int, int, int, str]] = []
    for name in SETS:
        articles = read_set(name)
        src_of: dict[str, int] = {}
        ref_of: dict[str, int] = {}
        for art in articles:
            key = f"{name}/{art.doc_id}"
            src_of[key] = len(docs)
            docs.append(Doc(f"{key}/src", key, name, "src", art.src_lang, art.src.text))
            ref_of[key] = len(docs)
            docs.append(Doc(f"{key}/ref", key, name, "ref", art.tgt_lang, art.refs[0].text))
            pairs.append((src_of[key], ref_of[key], 1, "human"))
            for hyp in rng.sample(art.hyps, min(systems, len(art.hyps))):
                pairs.append((src_of[key], len(docs), 1, "machine"))
                docs.append(Doc(f"{key}/hyp-{hyp.name}", key, name, "hyp", art.tgt_lang, hyp.text))
        keys = list(src_of)
        # same topic: most shared numbers and name n-grams (not the whole-name features)
        sigs = {k: {f for f in translation_signature(docs[src_of[k]].text, 3) if not f.startswith("N:")} for k in keys}
        for k in keys:
            others = sorted((o for o in keys if o != k), key=lambda o: (-len(sigs[k] & sigs[o]), o))
            for o in others[:negatives_per_article]:
                pairs.append((src_of[k], ref_of[o], 0, "other-article"))
            nearest = others[0]
            built = _replace_names(docs[ref_of[nearest]].text, _top_names(docs[ref_of[nearest]].text),
                                   _top_names(docs[ref_of[k]].text))
            pairs.append((src_of[k], len(docs), 0, "same-names"))
            # its sentences are the nearest article's (names changed): it is that article's story
            docs.append(Doc(f"{k}/same-names-from-{nearest.split('/')[1]}", nearest, name, "same-names",
                            docs[ref_of[nearest]].lang, built))
    return docs, pairs
