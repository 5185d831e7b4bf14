"""Seeded synthetic text corpora with planted exact, near and partial copies.

Texts are sentences of Zipf-distributed made-up words, so unrelated documents share almost
no 5-grams (as unrelated news articles do) and every overlap is a planted one.

    generate(n_docs, seed) -> (records, planted)
    records: [{"id", "text"}]; planted: [(source_id, copy_id, relation)]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

SYLLABLES = "ka to mi ra ne lu so vi da pe ri go ta le mo ku sa ni be fa ho ze ji wu".split()


def _vocabulary(rng: random.Random, size: int = 30000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


class _Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self.vocab = _vocabulary(self.rng)
        self.rng.shuffle(self.vocab)  # frequency must not follow alphabetical order
        weights = 1.0 / np.arange(1, len(self.vocab) + 1) ** 1.05
        self.cdf = np.cumsum(weights / weights.sum())
        self.vocab_array = np.array(self.vocab, dtype=object)

    def sentence(self) -> list[str]:
        n = int(self.rng.randint(8, 28))
        picks = np.searchsorted(self.cdf, self.np_rng.random(n) * self.cdf[-1])
        return list(self.vocab_array[np.minimum(picks, len(self.vocab) - 1)])

    def document(self, words: int) -> list[list[str]]:
        sentences, total = [], 0
        while total < words:
            s = self.sentence()
            sentences.append(s)
            total += len(s)
        return sentences


def render(sentences: list[list[str]], per_paragraph: int = 4) -> str:
    paragraphs = []
    for start in range(0, len(sentences), per_paragraph):
        chunk = sentences[start : start + per_paragraph]
        paragraphs.append(" ".join(" ".join(s).capitalize() + "." for s in chunk))
    return "\n\n".join(paragraphs)


def _edit(w: _Writer, sentences: list[list[str]], rate: float) -> list[list[str]]:
    """Near copy: substitute/delete/insert about `rate` of the words, drop one sentence."""
    out = []
    for s in sentences:
        new = []
        for word in s:
            r = w.rng.random()
            if r < rate / 3:
                continue
            if r < 2 * rate / 3:
                new.append(w.rng.choice(w.vocab))
                continue
            new.append(word)
            if r < rate:
                new.append(w.rng.choice(w.vocab))
        out.append(new or s)
    if len(out) > 4:
        del out[w.rng.randrange(len(out))]
    return out


def generate(n_docs: int, seed: int = 0, words_per_doc: int = 500,
             exact_share: float = 0.05, near_share: float = 0.10, partial_share: float = 0.05):
    """`n_docs` records; the given shares of them are planted copies of other records."""
    w = _Writer(seed)
    n_copies = {k: int(n_docs * s) for k, s in (("exact", exact_share), ("near", near_share), ("partial", partial_share))}
    n_sources = n_docs - sum(n_copies.values())
    sources = [w.document(words_per_doc) for _ in range(n_sources)]
    records = [{"id": f"d{i:07d}", "text": render(s)} for i, s in enumerate(sources)]
    planted = []
    next_id = n_sources
    for relation, count in n_copies.items():
        for _ in range(count):
            src = w.rng.randrange(n_sources)
            base = sources[src]
            if relation == "exact":
                text = render(base, per_paragraph=3).upper() if w.rng.random() < 0.3 else render(base, per_paragraph=5)
            elif relation == "near":
                text = render(_edit(w, base, rate=w.rng.uniform(0.01, 0.05)))
            else:
                k = len(base)
                length = max(3, int(k * w.rng.uniform(0.2, 0.5)))
                start = w.rng.randrange(0, k - length + 1)
                text = render(base[start : start + length])
            doc_id = f"d{next_id:07d}"
            next_id += 1
            records.append({"id": doc_id, "text": text})
            planted.append((records[src]["id"], doc_id, relation))
    order = list(range(len(records)))
    w.rng.shuffle(order)  # copies are not all at the end
    records = [records[i] for i in order]
    return records, planted


def write_jsonl(records, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n_docs", type=int)
    ap.add_argument("out", type=Path, help="corpus .jsonl; planted pairs go to <out>.planted.json")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--words", type=int, default=500)
    args = ap.parse_args()
    records, planted = generate(args.n_docs, args.seed, args.words)
    write_jsonl(records, args.out)
    Path(str(args.out) + ".planted.json").write_text(json.dumps(planted))


if __name__ == "__main__":
    main()
