"""Static model (model2vec, distilled from the packaged MiniLM) vs the torch MiniLM: size,
build and load time, and sentences/s on real sentences (English extraction-dev pages).

    PYTHONPATH=$PWD python -m samestory.rewrite.static_model build
    PYTHONPATH=$PWD python benchmarks/static_model_speed.py --sentences 2000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.rewrite_corpus import english_pages  # noqa: E402
from samestory.rewrite.static_model import default_static_dir, load_static_model  # noqa: E402


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=1, help="torch threads for the full model")
    args = ap.parse_args()
    pool = sorted({s for _, sents in english_pages() for s in sents})
    sentences = random.Random(1).sample(pool, min(args.sentences, len(pool)))
    target = default_static_dir()
    t0 = time.perf_counter()
    static = load_static_model()
    static_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    sv = static.encode(sentences, show_progress_bar=False)
    static_s = time.perf_counter() - t0

    import torch

    torch.set_num_threads(args.threads)
    from samestory.rewrite.embed import load_model

    t0 = time.perf_counter()
    model, _ = load_model(None)
    full_load = time.perf_counter() - t0
    # sorted by length so padding does not dominate (the cascade batches this way too)
    ordered = sorted(sentences, key=len)
    t0 = time.perf_counter()
    fv = model.encode(ordered, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    full_s = time.perf_counter() - t0
    build_info = json.loads((target / "samestory_build.json").read_text())
    print(json.dumps({
        "sentences": len(sentences), "mean_chars": round(float(np.mean([len(s) for s in sentences])), 1),
        "static_dir": str(target), "static_bytes_on_disk": folder_bytes(target),
        "static_dims": int(sv.shape[1]), "static_build_seconds": build_info.get("seconds"),
        "static_load_seconds": round(static_load, 2), "full_load_seconds": round(full_load, 2),
        "static_sentences_per_second": round(len(sentences) / static_s, 1),
        "full_sentences_per_second": round(len(sentences) / full_s, 1),
        "full_torch_threads": args.threads, "full_dims": int(fv.shape[1]),
        "speedup": round(full_s / static_s, 1),
    }, indent=1))


if __name__ == "__main__":
    main()
