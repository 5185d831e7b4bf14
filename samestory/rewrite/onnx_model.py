"""The judge model (all-MiniLM-L6-v2) as ONNX fp32, so workers embed without loading torch.

Loading sentence-transformers and torch cost each worker seconds of CPU per run (13.6 CPU-s
per run measured in issue 19); onnxruntime and the Rust tokenizer load in a fraction of it
and give the same vectors (fp32 export of the same weights; mean pooling over the attention
mask and L2 normalisation, as the packaged model's modules.json says, done here in numpy;
benchmarks/embedding_speed.py measures both). The export runs offline at install, from the
packaged model (`python -m samestory.rewrite.onnx_model build`, which install.sh runs) and
needs torch and onnx then; at run time only onnxruntime and tokenizers are imported. Without
the export the tier uses torch, as before.
"""

from __future__ import annotations

import json
import os
import sys
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["OnnxEncoder", "OnnxModelError", "build_onnx_model", "default_onnx_dir", "load_onnx_encoder", "onnx_available"]

_BUILD_INFO = "samestory_build.json"
_OPSET = 17


from .embed import ModelError  # noqa: E402


class OnnxModelError(ModelError):
    """The ONNX export is missing or broken (one-line message)."""


def default_onnx_dir() -> Path:
    """$SAMESTORY_ONNX_MODEL, else <XDG cache>/samestory/minilm-onnx."""
    if os.environ.get("SAMESTORY_ONNX_MODEL"):
        return Path(os.environ["SAMESTORY_ONNX_MODEL"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "samestory" / "minilm-onnx"


def _source() -> Path:
    from .embed import resolve_model

    return Path(resolve_model(None))


def _fingerprint(source: Path) -> dict:
    weights = source / "model.safetensors"
    return {"source": source.name, "weights_bytes": weights.stat().st_size if weights.exists() else None,
            "opset": _OPSET}


def is_built(target: Path) -> bool:
    try:
        info = json.loads((target / _BUILD_INFO).read_text())
        return (target / "model.onnx").exists() and info["built_from"] == _fingerprint(_source())
    except (OSError, ValueError, KeyError):
        return False


def build_onnx_model(target_dir: Path | str | None = None, force: bool = False) -> Path:
    """Export the packaged MiniLM's transformer to ONNX fp32 (token embeddings; pooling is done
    at run time) with its tokenizer and max_seq_length, unless already there."""
    target = Path(target_dir) if target_dir else default_onnx_dir()
    if not force and is_built(target):
        return target
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise OnnxModelError(f"cannot export the ONNX model: {exc}") from None
    source = _source()
    t0 = time.perf_counter()
    model = AutoModel.from_pretrained(str(source)).eval()

    class Hidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    tmp = target.with_name(target.name + ".partial")
    tmp.mkdir(parents=True, exist_ok=True)
    ids = torch.ones((2, 8), dtype=torch.int64)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"hidden": {0: "batch", 1: "tokens"}}
    import warnings

    try:
        with warnings.catch_warnings():  # the exporter's notes on its own operators are not the user's business
            warnings.simplefilter("ignore")
            torch.onnx.export(Hidden(model), (ids, ids, torch.zeros_like(ids)), str(tmp / "model.onnx"),
                              input_names=names, output_names=["hidden"], dynamic_axes=axes, opset_version=_OPSET,
                              dynamo=False)
    except Exception as exc:  # onnx missing, an exporter error
        raise OnnxModelError(f"ONNX export failed: {exc.__class__.__name__}: {exc}") from None
    import shutil

    shutil.copy(source / "tokenizer.json", tmp / "tokenizer.json")
    max_length = json.loads((source / "sentence_bert_config.json").read_text()).get("max_seq_length", 256)
    (tmp / _BUILD_INFO).write_text(json.dumps({"built_from": _fingerprint(source), "max_seq_length": max_length,
                                               "seconds": round(time.perf_counter() - t0, 1)}, indent=1))
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    load_onnx_encoder.cache_clear()
    return target


class OnnxEncoder:
    """Unit sentence vectors from the ONNX export: tokenise (truncated to max_seq_length,
    padded to the batch's longest), run, mean-pool over the mask, normalise."""

    def __init__(self, folder: Path, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        info = json.loads((folder / _BUILD_INFO).read_text())
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(info.get("max_seq_length", 256)))
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def encode(self, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 384), np.float32)
        encoded = self.tokenizer.encode_batch(sentences)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def onnx_available(path: str | None = None) -> bool:
    target = Path(path) if path else default_onnx_dir()
    if not (target / "model.onnx").exists():
        return False
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=2)
def load_onnx_encoder(path: str | None = None, threads: int = 1) -> OnnxEncoder:
    target = Path(path) if path else default_onnx_dir()
    if not (target / "model.onnx").exists():
        raise OnnxModelError(f"ONNX judge model not found in {target}: run `python -m samestory.rewrite.onnx_model build`")
    try:
        return OnnxEncoder(target, threads)
    except Exception as exc:
        raise OnnxModelError(f"cannot load the ONNX judge model in {target}: {exc.__class__.__name__}: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("build", "path"):
        print("usage: python -m samestory.rewrite.onnx_model build [TARGET_DIR] [--force] | path", file=sys.stderr)
        return 2
    if argv[0] == "path":
        print(default_onnx_dir())
        return 0
    rest = [a for a in argv[1:] if a != "--force"]
    try:
        target = build_onnx_model(rest[0] if rest else None, force="--force" in argv)
    except OnnxModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"ONNX judge model ready in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
