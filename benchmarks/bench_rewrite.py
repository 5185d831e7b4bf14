"""Benchmark of the rewrite tier: planted rewrites and same-event negatives in real pages.

Corpus (JSONL of HTML records, so the whole pipeline runs, trafilatura included):
- every page of ../shared/data/extraction-dev beside the repository (real HTML, many languages);
- planted rewrites of English pages (several per page when --rewrites exceeds them): the page's clean text, sentence by sentence, with
  words swapped for hand-listed synonyms, articles dropped, and per document some of:
  a block of sentences moved, sentences dropped, neighbours merged; wrapped in simple HTML
  with navigation and footer boilerplate;
- same-event negatives: sentences drawn from many other pages with the base page's proper
  names and numbers written in (same names/numbers as the base, different sentences);
- with --n above what that gives, filler documents of 6-14 sentences drawn from all pages
  (no planted relation).
Then `samestory.run` with and without the rewrite tier, and the scores.

    PYTHONPATH=$PWD python benchmarks/bench_rewrite.py --n 2000 --rewrites 300 --negatives 150
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from samestory.clean import clean_batch  # noqa: E402
from samestory.config import Settings  # noqa: E402
from samestory.rewrite.sentences import split_for_alignment  # noqa: E402
from samestory.pipeline import run  # noqa: E402
from samestory.records import RawDocument  # noqa: E402

def shared_data() -> Path:
    """../shared/data beside the repository (the nearest one up the tree, so a git worktree
    in a sub-folder finds it too)."""
    for parent in Path(__file__).resolve().parents[1:]:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return Path(__file__).resolve().parents[2] / "shared" / "data"


DATA = shared_data() / "extraction-dev" / "html"

SYNONYMS = {
    "said": "stated", "says": "states", "people": "individuals", "many": "numerous", "big": "large",
    "large": "sizeable", "small": "little", "new": "fresh", "use": "utilise", "used": "employed",
    "help": "assist", "helps": "assists", "show": "demonstrate", "shows": "demonstrates", "start": "begin",
    "started": "began", "begin": "start", "get": "obtain", "got": "obtained", "make": "create", "made": "created",
    "important": "significant", "also": "additionally", "but": "however", "because": "since", "about": "roughly",
    "very": "extremely", "often": "frequently", "buy": "purchase", "need": "require", "needs": "requires",
    "want": "wish", "wants": "wishes", "find": "discover", "found": "discovered", "think": "believe",
    "month": "mo", "year": "twelve months", "years": "yrs", "time": "period", "way": "manner", "ways": "manners",
    "city": "town", "house": "home", "work": "labour", "job": "position", "company": "firm", "companies": "firms",
    "government": "administration", "world": "globe", "country": "nation", "countries": "nations",
    "problem": "issue", "problems": "issues", "question": "query", "questions": "queries", "answer": "reply",
    "good": "fine", "great": "excellent", "best": "finest", "bad": "poor", "easy": "simple", "hard": "difficult",
    "quickly": "rapidly", "fast": "rapid", "before": "prior to", "after": "following", "while": "whilst",
    "however": "yet", "although": "though", "enough": "sufficient", "whole": "entire", "own": "personal",
    "important.": "significant.", "each": "every", "every": "each", "children": "kids", "free": "complimentary",
    "information": "info", "include": "contain", "includes": "contains", "including": "containing",
    "different": "distinct", "possible": "feasible", "able": "capable", "like": "such as", "around": "approximately",
    "there": "there", "this": "that", "these": "those", "which": "that", "will": "shall", "can": "may",
    "with": "alongside", "from": "out of", "into": "inside", "over": "above", "under": "beneath",
}
ARTICLES = {"the", "a", "an"}
NAV = "<nav><ul><li>Home</li><li>News</li><li>Sport</li><li>Contact</li></ul></nav>"
FOOT = "<footer><p>Share this article</p><p>Subscribe to our newsletter</p><p>© Planted Media</p></footer>"


def load_pages(limit: int | None) -> list[tuple[str, str]]:
    files = sorted(DATA.glob("*.html.gz"))[:limit]
    return [(f.name.removesuffix(".html.gz"), gzip.decompress(f.read_bytes()).decode("utf-8", "replace")) for f in files]


def is_english(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    common = sum(w in {"the", "and", "of", "to", "in", "is", "that", "for", "it", "with"} for w in words)
    return len(words) > 0 and common / len(words) > 0.12


def paraphrase_sentence(sentence: str, rng: random.Random) -> str:
    out = []
    for token in sentence.split(" "):
        core = token.lower().strip(".,;:!?\"'")
        if core in ARTICLES and rng.random() < 0.6 and out:
            continue
        if core in SYNONYMS and rng.random() < 0.9:
            repl = SYNONYMS[core]
            if token[:1].isupper():
                repl = repl[:1].upper() + repl[1:]
            token = token.lower().replace(core, repl, 1) if token[:1].islower() else repl + token[len(core):]
        out.append(token)
    return " ".join(out)


def move_block(s: list[str], rng: random.Random) -> list[str]:
    """A copy of `s` with a block of 1-3 sentences moved elsewhere (documents of 6+ sentences)."""
    s = list(s)
    if len(s) > 5:
        size = rng.randint(1, 3)
        start = rng.randrange(0, len(s) - size)
        block = s[start : start + size]
        del s[start : start + size]
        dest = rng.randrange(0, len(s) + 1)
        s[dest:dest] = block
    return s


def make_rewrite(sentences: list[str], rng: random.Random) -> list[str]:
    s = [paraphrase_sentence(x, rng) for x in sentences]
    if rng.random() < 0.5 and len(s) > 6:  # drop 10-25% of the sentences
        k = max(1, int(len(s) * rng.uniform(0.1, 0.25)))
        for idx in sorted(rng.sample(range(len(s)), k), reverse=True):
            del s[idx]
    if rng.random() < 0.5 and len(s) > 5:  # move a block of 1-3 sentences
        s = move_block(s, rng)
    if rng.random() < 0.4 and len(s) > 4:  # merge neighbours
        for _ in range(rng.randint(1, 2)):
            k = rng.randrange(0, len(s) - 1)
            s[k : k + 2] = [s[k].rstrip(".") + ", and " + s[k + 1][:1].lower() + s[k + 1][1:]]
            if len(s) < 3:
                break
    return s


def same_event_negative(base: str, other_sentences: list[str], rng: random.Random) -> list[str]:
    names = [m for m in re.findall(r"(?<=[a-z,] )[A-Z][a-z]{2,}", base)] or ["Smith"]
    numbers = re.findall(r"\b\d[\d,.]*\b", base) or ["12"]
    out = []
    for sentence in other_sentences:
        sentence = re.sub(r"(?<=[a-z,] )[A-Z][a-z]{2,}", lambda m: rng.choice(names), sentence)
        sentence = re.sub(r"\b\d[\d,.]*\b", lambda m: rng.choice(numbers), sentence)
        out.append(sentence)
    return out


def as_html(title: str, sentences: list[str], rng: random.Random) -> str:
    paragraphs, k = [], 0
    while k < len(sentences):
        step = rng.randint(1, 3)
        paragraphs.append("<p>" + " ".join(sentences[k : k + step]) + "</p>")
        k += step
    return (f"<html><head><title>{title}</title></head><body>{NAV}<article><h1>{title}</h1>"
            + "".join(paragraphs) + f"</article>{FOOT}</body></html>")


def build(args) -> tuple[list[dict], dict]:
    rng = random.Random(args.seed)
    pages = load_pages(args.pages)
    settings = Settings().replace(run={"progress": False})
    cleaned = clean_batch([RawDocument(doc_id=i, source=i, kind="html", content=h) for i, h in pages], settings.clean)
    records = [{"id": i, "html": h} for i, h in pages]
    family = {i: i for i, _ in pages}   # planted family of each doc
    role = {i: "page" for i, _ in pages}
    usable = []
    for k, (doc_id, _) in enumerate(pages):
        text = cleaned.text[k]
        if text and is_english(text):
            sentences = [s for s in split_for_alignment(text) if len(s.split()) >= 4]
            if len(sentences) >= 6 and len(text.split()) >= 150:
                usable.append((doc_id, sentences))
    rng.shuffle(usable)
    # several rewrites of one page when there are fewer English pages than rewrites wanted
    bases = [usable[k % len(usable)] for k in range(args.rewrites)]
    for n, (doc_id, sentences) in enumerate(bases):
        rid = f"rewrite-{n:05d}"
        records.append({"id": rid, "html": as_html(f"Story {n}", make_rewrite(sentences, rng), rng)})
        family[rid], role[rid] = doc_id, "rewrite"
    pool = [s for text in cleaned.text if text for s in split_for_alignment(text) if len(s.split()) >= 4]
    negative_of: dict[str, str] = {}
    for n in range(args.negatives):
        doc_id, sentences = usable[n % len(usable)]
        # sentences from many other pages, one each, with this page's names and numbers
        other = rng.sample(pool, rng.randint(8, 12))
        nid = f"negative-{n:05d}"
        text = " ".join(sentences)
        records.append({"id": nid, "html": as_html(f"Report {n}", same_event_negative(text, other, rng), rng)})
        family[nid], role[nid] = nid, "negative"
        negative_of[nid] = doc_id
    n = 0
    while len(records) < args.n:
        fid = f"filler-{n:05d}"
        records.append({"id": fid, "html": as_html(f"Item {n}", rng.sample(pool, rng.randint(6, 14)), rng)})
        family[fid], role[fid] = fid, "filler"
        n += 1
    rng.shuffle(records)
    return records, {"family": family, "role": role, "negative_of": negative_of, "usable_english_pages": len(usable)}


def score(result, meta) -> dict:
    docs = result.documents.to_pylist()
    cluster = {d["doc_id"].split("#")[-1]: d["cluster_id"] for d in docs}
    relation = {d["doc_id"].split("#")[-1]: d["relation"] for d in docs}
    family, role = meta["family"], meta["role"]
    rewrites = [d for d in role if role[d] == "rewrite"]
    found = [d for d in rewrites if cluster.get(d) is not None and cluster[d] == cluster.get(family[d])]
    by_relation: dict[str, int] = {}
    for d in found:
        r = relation[d] or relation[family[d]] or "?"
        by_relation[r] = by_relation.get(r, 0) + 1
    negatives = [d for d in role if role[d] == "negative"]
    false_merges = [d for d in negatives if cluster.get(d) == cluster.get(meta["negative_of"][d])]
    rw_pairs = [p for p in result.pairs.to_pylist() if p["relation"] == "rewrite"]
    def fam(x):
        x = x.split("#")[-1]
        return family.get(x, x)
    correct = [p for p in rw_pairs if fam(p["doc_a"]) == fam(p["doc_b"])]
    wrong = [(p["doc_a"], p["doc_b"]) for p in rw_pairs if fam(p["doc_a"]) != fam(p["doc_b"])]
    return {
        "planted_rewrites": len(rewrites),
        "recall": round(len(found) / max(len(rewrites), 1), 4),
        "found_by_relation": by_relation,
        "rewrite_pairs": len(rw_pairs),
        "rewrite_pairs_correct": len(correct),
        "precision": round(len(correct) / max(len(rw_pairs), 1), 4),
        "wrong_rewrite_pairs": wrong[:20],
        "same_event_negatives": len(negatives),
        "false_merges_of_negatives": len(false_merges),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000, help="documents in the corpus (filler added to reach it)")
    ap.add_argument("--pages", type=int, default=None, help="use only the first PAGES real pages")
    ap.add_argument("--rewrites", type=int, default=300)
    ap.add_argument("--negatives", type=int, default=150)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--config", type=Path, default=None, help="settings TOML for the runs (default: the defaults)")
    ap.add_argument("--write-corpus", type=Path, default=None,
                    help="only write the corpus to this JSONL file (to time `samestory run` on it) and stop")
    args = ap.parse_args()
    if args.write_corpus:
        records, _ = build(args)
        with open(args.write_corpus, "w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(f"{len(records)} documents written to {args.write_corpus}")
        return

    t0 = time.perf_counter()
    records, meta = build(args)
    build_s = time.perf_counter() - t0
    report = {"args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}, "documents": len(records), "usable_english_pages": meta["usable_english_pages"],
              "build_seconds": round(build_s, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with open(corpus, "w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        settings = (Settings.from_toml(args.config) if args.config else Settings()).replace(
            run={"workers": args.workers, "progress": False})
        runs = [("with_rewrites", True)] + ([] if args.skip_baseline else [("without_rewrites", False)])
        for name, on in runs:
            t0 = time.perf_counter()
            result = run(corpus, settings=settings.replace(rewrite={"enabled": on}))
            wall = time.perf_counter() - t0
            entry = {"wall_seconds": round(wall, 1), "docs_per_second": round(len(records) / wall, 1),
                     "timings": {k: round(v, 2) for k, v in result.timings.items()}}
            if on:
                entry["embedding_share_of_run"] = round(result.timings.get("rewrites_embedding", 0.0) / wall, 3)
                entry["scores"] = score(result, meta)
                entry["rewrite_stats"] = result.rewrite_stats
            report[name] = entry
            print(json.dumps({name: entry}, indent=1), flush=True)
    if "without_rewrites" in report:
        report["slowdown"] = round(report["with_rewrites"]["wall_seconds"] / report["without_rewrites"]["wall_seconds"], 2)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
