"""How long learning site boilerplate takes, and how much memory its arrays use, on a
synthetic corpus (no HTML: the per-line hashing and the group-by-(site, line) step only).

    python benchmarks/boilerplate_scale.py [--sites 200] [--pages 250] [--paragraphs 12]

Each site has a 6-line template (header, subscribe box, footer) and each page its own
paragraphs; every 10th page of a site is an exact copy of another page of it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from samestory.boilerplate import learn_boilerplate, line_hashes_batch, strip_lines_batch  # noqa: E402
from samestory.config import Settings  # noqa: E402


def corpus(sites: int, pages: int, paragraphs: int) -> tuple[list[str], list[str]]:
    rng = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = sorted({"".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(5000)})  # no digits: lines normalise digits
    texts, keys = [], []
    for s in range(sites):
        name = f"The {words[s]} {words[-s - 1]}"
        template_top = [f"{name} magazine", f"News | Sport | Culture of {name}"]
        template_end = [f"Discover more from {name}", "Subscribe to get the latest posts sent to your email.",
                        f"{name} Ltd, 1 Main Street", "Proudly powered by WordPress"]
        site_pages: list[str] = []
        for p in range(pages):
            if p % 10 == 9:
                site_pages.append(site_pages[p - 5])
                continue
            body = [" ".join(rng.choices(words, k=35)) for _ in range(paragraphs)]
            site_pages.append("\n\n".join(template_top + body + template_end))
        texts.extend(site_pages)
        keys.extend([f"site{s}.example"] * pages)
    return texts, keys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=200)
    ap.add_argument("--pages", type=int, default=250)
    ap.add_argument("--paragraphs", type=int, default=12)
    args = ap.parse_args()
    texts, keys = corpus(args.sites, args.pages, args.paragraphs)
    settings = Settings().replace(run={"workers": 1, "progress": False})
    t0 = time.perf_counter()
    lines = line_hashes_batch(texts)
    t_hash = time.perf_counter() - t0
    ok = np.ones(len(texts), bool)
    t0 = time.perf_counter()
    learned = learn_boilerplate(keys, lines, ok, texts, settings)
    t_learn = time.perf_counter() - t0
    tracemalloc.start()  # a second run, for memory only (tracing slows it down)
    learn_boilerplate(keys, lines, ok, texts, settings)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    t0 = time.perf_counter()
    _, removed = strip_lines_batch(texts, learned.drops)
    t_strip = time.perf_counter() - t0
    line_bytes = lines.hashes.nbytes + lines.words.nbytes + lines.offsets.nbytes
    print(f"{len(texts):,} pages, {len(lines.hashes):,} lines ({line_bytes / 1e6:.1f} MB of line arrays)")
    print(f"hash lines: {t_hash:.2f}s (one process); learn: {t_learn:.2f}s, peak {peak / 1e6:.1f} MB; strip: {t_strip:.2f}s")
    print(f"learned {len(learned.line):,} (site, line) pairs; {sum(removed):,} line occurrences removed "
          f"(expected {len(texts) * 6:,})")


if __name__ == "__main__":
    main()
