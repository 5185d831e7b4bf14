"""Full-model sentence vectors a run computed, kept for later `--reference` runs.

A rewrite candidate pairs a new document with a reference document whose sentences an earlier
run may already have embedded with the full model (the rewrite tier's costliest step). Each run
keeps the vectors it computed in its work folder (`_work/vectors/`); a later run looks the
sentences it needs up there first and embeds only the others.

Files, read back memory-mapped (only the rows looked up are paged in):
- `hi.npy`, `lo.npy`: the xxh3-128 hash of each sentence, in two uint64 halves, sorted by
  (hi, lo); a hit needs both halves equal;
- `vectors.npy`: (m, dim) float32, row k the vector of hash k;
- `meta.json`: the model and the dimension, written last (no meta.json: no cache).

A cached vector may differ from one computed now in its last bits (a batch's padding differs
with its sentences); a run's outputs depend only on its inputs, settings and references, as
before.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xxhash

__all__ = ["VectorCache", "VECTORS_DIR", "sentence_keys", "vector_model_key"]

VECTORS_DIR = "vectors"
_FILES = ("hi.npy", "lo.npy", "vectors.npy")


def vector_model_key(settings) -> str:
    """The model a cache's vectors came from, as the settings name it (a reference run has the
    same [rewrite] settings, so the same name means the same model)."""
    return settings.model or "packaged all-MiniLM-L6-v2"


def sentence_keys(sentences: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(hi, lo) halves of each sentence's xxh3-128 hash."""
    digests = [xxhash.xxh3_128_intdigest(s.encode("utf-8", "surrogatepass")) for s in sentences]
    hi = np.array([d >> 64 for d in digests], dtype=np.uint64)
    lo = np.array([d & 0xFFFFFFFFFFFFFFFF for d in digests], dtype=np.uint64)
    return hi, lo


class VectorCache:
    """One run's kept vectors."""

    def __init__(self, hi: np.ndarray, lo: np.ndarray, vectors: np.ndarray):
        self.hi, self.lo, self.vectors = hi, lo, vectors

    @classmethod
    def read(cls, folder: Path, model: str) -> "VectorCache | None":
        """The vectors a run kept for `model`, or None (none kept, another model, or files
        that do not fit together: the cache is only a shortcut)."""
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            hi, lo, vectors = (np.load(folder / name, mmap_mode="r") for name in _FILES)
        except (OSError, ValueError):
            return None
        if meta.get("model") != model or not (len(hi) == len(lo) == len(vectors)) or vectors.ndim != 2:
            return None
        return cls(hi, lo, vectors)

    @staticmethod
    def write(folder: Path, found: dict[str, np.ndarray], model: str, write_atomically) -> None:
        """Keep `found` (sentence -> vector) in `folder`, each file written atomically, meta.json last."""
        if not found:
            return
        folder.mkdir(parents=True, exist_ok=True)
        sentences = list(found)
        hi, lo = sentence_keys(sentences)
        order = np.lexsort((lo, hi))
        vectors = np.stack([found[sentences[k]] for k in order.tolist()]).astype(np.float32)
        for name, array in zip(_FILES, (hi[order], lo[order], vectors)):
            write_atomically(folder / name, lambda path, a=array: _save(path, a))
        meta = json.dumps({"model": model, "dim": int(vectors.shape[1]), "sentences": len(sentences)})
        write_atomically(folder / "meta.json", lambda path: path.write_text(meta, encoding="utf-8"))

    def lookup(self, sentences: list[str]) -> dict[str, np.ndarray]:
        """The kept vectors of those of `sentences` this cache holds."""
        if not sentences or not len(self.hi):
            return {}
        hi, lo = sentence_keys(sentences)
        at = np.searchsorted(self.hi, hi)
        out = {}
        for k, (i, h, l_) in enumerate(zip(at.tolist(), hi.tolist(), lo.tolist())):
            # equal hi halves are as rare as 64-bit collisions: walk them, then check lo
            while i < len(self.hi) and int(self.hi[i]) == h:
                if int(self.lo[i]) == l_:
                    out[sentences[k]] = np.array(self.vectors[i], dtype=np.float32)
                    break
                i += 1
        return out


def _save(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:
        np.save(f, array, allow_pickle=False)
