"""Labelled document pairs for fitting and checking the rewrite decision.

Writes JSONL, one pair a line: {"id", "text_a", "text_b", "label" (1 rewrite / 0 not), "kind",
"split" ("fit" or "test")}. Seeded and deterministic (same data + seed -> same file).

Kinds (label):
- mrpc-rewrite (1): a document of 4-10 MRPC paraphrase pairs, sentence 1 of each pair in
  text_a and sentence 2 in text_b (sometimes two neighbours swapped in b);
- mrpc-nonequivalent (0): the same shape from MRPC's label-0 pairs (same events, high word
  overlap, sentences that do not say the same thing);
- spin / spin-reorder / spin-drop (1): an English extraction-dev page and a copy with
  hand-listed synonyms swapped in, articles dropped, and a block moved or sentences dropped;
- mangled (1): like spin, plus clause swaps and back-translation-like name mangling
  (Hvistendahl -> Hvittendal / Khvitendal, Yulong -> Yulonga), several variants per name;
- half-verbatim (1): the first half of the page pasted verbatim, the rest spun;
- same-event (0): sentences of other pages with the base page's names and numbers written in;
- same-page-disjoint (0): two disjoint runs of sentences of one long page (same topic and
  names, different sentences: the closest thing to two independent reports this data has);
- short-revision (1): 5-8 consecutive sentences of a page and a light revision (a few
  sentences spun, sometimes one dropped or one added);
- short-same-topic (0) / short-mrpc-nonequivalent (0): two 6-sentence texts on one topic
  (disjoint windows of one page; or six MRPC label-0 pairs).
MRPC is read from ../shared/data/mrpc-train beside the repository (never copied into it).

    PYTHONPATH=$PWD python benchmarks/rewrite_corpus.py --out benchmarks/data/rewrite_corpus.jsonl
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_rewrite import is_english, move_block, paraphrase_sentence, shared_data  # noqa: E402
from samestory.rewrite.sentences import split_for_alignment  # noqa: E402

DATA = shared_data()
MRPC = DATA / "mrpc-train" / "msr_paraphrase_train.txt"
PAGES = DATA / "extraction-dev" / "html"
CACHE = Path(__file__).resolve().parent / "data"


def read_mrpc(path: Path = MRPC) -> list[tuple[int, str, str]]:
    """(label, sentence 1, sentence 2) rows; quotes in MRPC are literal."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(int(r[0]), r[3].strip(), r[4].strip()) for r in rows[1:] if len(r) == 5]


def english_texts(cache: Path = CACHE / "extraction_dev_english.jsonl") -> list[tuple[str, str]]:
    """(page name, clean text) of English extraction-dev pages of 150+ words, cleaned once
    with samestory's cleaner and cached (trafilatura is the slow part)."""
    if cache.exists():
        return [(r["id"], r["text"]) for r in map(json.loads, cache.read_text(encoding="utf-8").splitlines())]
    from samestory.clean import clean_batch
    from samestory.config import Settings
    from samestory.records import RawDocument

    files = sorted(PAGES.glob("*.html.gz"))
    raws = [RawDocument(doc_id=f.name, source=f.name, kind="html",
                        content=gzip.decompress(f.read_bytes()).decode("utf-8", "replace")) for f in files]
    cleaned = clean_batch(raws, Settings().clean)
    out = [(name.removesuffix(".html.gz"), text) for name, text in zip(cleaned.doc_id, cleaned.text)
           if text and is_english(text) and len(text.split()) >= 150]
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in out),
                     encoding="utf-8")
    return out


def english_pages() -> list[tuple[str, list[str]]]:
    """(page name, sentences of 4+ words) of the English pages with at least 6 of them."""
    out = []
    for name, text in english_texts():
        sentences = [s for s in split_for_alignment(text) if len(s.split()) >= 4]
        if len(sentences) >= 6:
            out.append((name, sentences))
    return out


def as_text(sentences: list[str], rng: random.Random) -> str:
    """Sentences grouped into paragraphs of 1-3, one paragraph a line (like a clean text)."""
    lines, k = [], 0
    while k < len(sentences):
        step = rng.randint(1, 3)
        lines.append(" ".join(sentences[k : k + step]))
        k += step
    return "\n".join(lines)


# --- rewriting operations ---------------------------------------------------------------

_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{3,}")


def mangle_name(name: str, rng: random.Random) -> str:
    """A back-translation-like respelling: letters doubled or undoubled, h dropped or added,
    w/v and ph/f swapped, a case ending added."""
    rules = [
        lambda s: re.sub(r"(.)\1", r"\1", s, count=1) if re.search(r"(.)\1", s) else s[:3] + s[3:4] + s[3:],
        lambda s: re.sub(r"(?<=[a-z])h", "", s, count=1) if re.search(r"(?<=[a-z])h", s) else s + "h",
        lambda s: ("Kh" + s[1:]) if s[0] == "H" else s.replace("w", "v").replace("W", "V").replace("ph", "f"),
        lambda s: s + "a" if s[-1] not in "aeiou" else s[:-1] + "y",
        lambda s: s.replace("oe", "e").replace("ck", "k").replace("ie", "i").replace("c", "k", 1),
    ]
    out = name
    for rule in rng.sample(rules, rng.randint(1, 2)):
        out = rule(out)
    return out if out != name else name + "a"


def mangle_names(sentence: str, rng: random.Random, variants: dict[str, list[str]]) -> str:
    def repl(match: re.Match) -> str:
        name = match.group(0)
        options = variants.setdefault(name, [mangle_name(name, rng) for _ in range(2)])
        return rng.choice(options + [name]) if rng.random() < 0.8 else name
    return _NAME.sub(repl, sentence)


def swap_clauses(sentence: str, rng: random.Random) -> str:
    """'A, B.' -> 'B, a.' for sentences with one comma and two halves of 4+ words."""
    parts = sentence.rstrip(".").split(", ")
    if len(parts) != 2 or min(len(p.split()) for p in parts) < 4 or rng.random() < 0.5:
        return sentence
    first, second = parts
    if first[1:2].islower():
        first = first[0].lower() + first[1:]
    return second[0].upper() + second[1:] + ", " + first + "."


def spin(sentences: list[str], rng: random.Random) -> list[str]:
    return [paraphrase_sentence(s, rng) for s in sentences]


def drop_some(s: list[str], rng: random.Random, low: float = 0.1, high: float = 0.3) -> list[str]:
    k = max(1, int(len(s) * rng.uniform(low, high)))
    gone = set(rng.sample(range(len(s)), k))
    return [x for i, x in enumerate(s) if i not in gone]


def same_event(base: list[str], other: list[str], rng: random.Random) -> list[str]:
    """`other` sentences with the base's names and numbers written in."""
    text = " ".join(base)
    names = _NAME.findall(text) or ["Smith"]
    numbers = re.findall(r"\b\d[\d,.]*\d\b|\b\d\b", text) or ["12"]
    out = []
    for sentence in other:
        sentence = _NAME.sub(lambda m: rng.choice(names), sentence)
        out.append(re.sub(r"\b\d[\d,.]*\d\b|\b\d\b", lambda m: rng.choice(numbers), sentence))
    return out


# --- pair builders ----------------------------------------------------------------------

def mrpc_pairs(rows, rng: random.Random) -> list[dict]:
    out = []
    for label, kind in ((1, "mrpc-rewrite"), (0, "mrpc-nonequivalent")):
        pool = [(a, b) for lab, a, b in rows if lab == label]
        rng.shuffle(pool)
        k = 0
        while k + 4 <= len(pool):
            size = rng.randint(4, 10)
            chunk = pool[k : k + size]
            k += size
            a = [x for x, _ in chunk]
            b = [y for _, y in chunk]
            if len(b) > 3 and rng.random() < 0.3:
                i = rng.randrange(len(b) - 1)
                b[i], b[i + 1] = b[i + 1], b[i]
            out.append({"kind": kind, "label": label, "a": a, "b": b})
    return out


def page_pairs(pages, rng: random.Random, max_sentences: int) -> list[dict]:
    pool = [s for _, sents in pages for s in sents]
    out = []
    kinds = ["spin", "spin-reorder", "spin-drop", "mangled", "half-verbatim"]
    for n, (_, sents) in enumerate(pages):
        base = sents[:max_sentences]
        kind = kinds[n % len(kinds)]
        if kind == "spin":
            copy = spin(base, rng)
        elif kind == "spin-reorder":
            copy = move_block(spin(base, rng), rng)
        elif kind == "spin-drop":
            copy = drop_some(spin(base, rng), rng)
        elif kind == "mangled":
            variants: dict[str, list[str]] = {}
            copy = [mangle_names(swap_clauses(x, rng), rng, variants) for x in spin(base, rng)]
        else:
            half = len(base) // 2
            copy = base[:half] + spin(base[half:], rng)
        out.append({"kind": kind, "label": 1, "a": base, "b": copy})
        other = rng.sample(pool, min(len(base), rng.randint(8, 14)))
        out.append({"kind": "same-event", "label": 0, "a": base, "b": same_event(base, other, rng)})
        if len(sents) >= 16:
            half = len(sents) // 2
            out.append({"kind": "same-page-disjoint", "label": 0,
                        "a": sents[:half][:max_sentences], "b": sents[half:][:max_sentences]})
    return out


def short_pairs(pages, rows, rng: random.Random) -> list[dict]:
    out = []
    for _, sents in pages:
        if len(sents) < 14:
            continue
        size = rng.randint(5, 8)
        start = rng.randrange(0, len(sents) - size - 6 + 1)
        window = sents[start : start + size]
        revised = list(window)
        for i in rng.sample(range(size), rng.randint(1, 3)):
            revised[i] = paraphrase_sentence(revised[i], rng)
        change = rng.random()
        if change < 0.3:
            del revised[rng.randrange(size)]
        elif change < 0.6:
            revised.insert(rng.randrange(size + 1), sents[(start + size + 3) % len(sents)])
        out.append({"kind": "short-revision", "label": 1, "a": window, "b": revised})
        out.append({"kind": "short-same-topic", "label": 0, "a": sents[:6], "b": sents[-6:]})
    negatives = [(a, b) for lab, a, b in rows if lab == 0]
    rng.shuffle(negatives)
    for k in range(0, min(len(negatives), 600) - 5, 6):
        chunk = negatives[k : k + 6]
        out.append({"kind": "short-mrpc-nonequivalent", "label": 0, "a": [x for x, _ in chunk], "b": [y for _, y in chunk]})
    return out


def build(seed: int = 7, max_pages: int | None = None, max_sentences: int = 30) -> list[dict]:
    rng = random.Random(seed)
    rows = read_mrpc()
    pages = english_pages()[:max_pages]
    raw = mrpc_pairs(rows, rng) + page_pairs(pages, rng, max_sentences) + short_pairs(pages, rows, rng)
    out = []
    seen: Counter = Counter()
    for n, pair in enumerate(raw):
        seen[pair["kind"]] += 1
        out.append({
            "id": f"{pair['kind']}-{n:05d}",
            "text_a": as_text(pair["a"], rng),
            "text_b": as_text(pair["b"], rng),
            "label": pair["label"],
            "kind": pair["kind"],
            # every other pair of a kind is held out, so each kind appears in both splits
            "split": "fit" if seen[pair["kind"]] % 2 == 1 else "test",
        })
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=CACHE / "rewrite_corpus.jsonl")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pages", type=int, default=None, help="use at most PAGES English pages")
    ap.add_argument("--max-sentences", type=int, default=30, help="cut page documents to this many sentences")
    args = ap.parse_args()
    pairs = build(args.seed, args.pages, args.max_sentences)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for pair in pairs:
            fh.write(json.dumps(pair, ensure_ascii=False) + "\n")
    counts = Counter((p["kind"], p["label"]) for p in pairs)
    print(json.dumps({"out": str(args.out), "pairs": len(pairs),
                      "by_kind": {f"{k} ({lab})": c for (k, lab), c in sorted(counts.items())}}, indent=1))


if __name__ == "__main__":
    main()
