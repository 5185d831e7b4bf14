"""Sentence-embedding throughput on this machine: sentence-transformers on torch (what the
rewrite tier uses) and, when onnxruntime and onnx are installed, the same model exported to
ONNX (fp32 and int8 dynamic quantisation), with the cosine of each to the torch embeddings.

    python benchmarks/embedding_speed.py [--sentences 1500]
    pip install onnxruntime onnx   # optional, for the ONNX rows

Sentences: the clean sentences of the shipped examples, repeated with a number appended so
no two are equal (the embedder caches repeats).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from samestory import Settings, run  # noqa: E402
from samestory.rewrite.embed import Embedder, resolve_model
from samestory.rewrite.sentences import split_for_alignment  # noqa: E402


def sentences(n: int) -> list[str]:
    texts = run(ROOT / "examples", settings=Settings().replace(run={"workers": 1, "progress": False}, rewrite={"enabled": False})).documents
    base = [s for t in texts.column("text").to_pylist() if t for s in split_for_alignment(t)]
    return [f"{s} {i}" for i, s in enumerate((base * (n // len(base) + 1))[:n])]


def onnx_embedder(path: str, quantise: bool, tmp: Path):
    import onnxruntime as ort
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()

    class Hidden(torch.nn.Module):  # the transformer's last hidden state, positional inputs
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    enc = tok(["a sentence", "another sentence"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    onnx_path = tmp / "model.onnx"
    torch.onnx.export(Hidden(model), tuple(enc[k] for k in names), str(onnx_path), input_names=names,
                      output_names=["hidden"], dynamic_axes={k: {0: "b", 1: "s"} for k in names + ["hidden"]},
                      opset_version=17, dynamo=False)
    if quantise:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(onnx_path), str(tmp / "model.int8.onnx"), weight_type=QuantType.QInt8)
        onnx_path = tmp / "model.int8.onnx"
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def embed(batch_sentences: list[str], batch: int = 64) -> np.ndarray:
        out = np.zeros((len(batch_sentences), model.config.hidden_size), dtype=np.float32)
        order = np.argsort([len(s) for s in batch_sentences])  # as sentence-transformers does
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            e = tok([batch_sentences[i] for i in idx], padding=True, truncation=True, max_length=256, return_tensors="np")
            hidden = session.run(None, {k: e[k].astype(np.int64) for k in names})[0]
            mask = e["attention_mask"][..., None].astype(np.float32)
            v = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)  # mean pooling, as the model
            out[idx] = v / np.linalg.norm(v, axis=1, keepdims=True)
        return out

    return embed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=1500)
    args = ap.parse_args()
    sents = sentences(args.sentences)
    print(f"{len(sents)} sentences, {os.cpu_count()} cores")
    print("| runtime | batch | sentences/s | min cosine to torch | mean cosine to torch |")
    print("|---|---:|---:|---:|---:|")
    Embedder(None, 64).embed(sents[:8])  # load the model once before timing
    reference = None
    for batch in (32, 64, 128):
        emb = Embedder(None, batch)
        t0 = time.perf_counter()
        vectors = emb.embed(sents)
        rate = len(sents) / (time.perf_counter() - t0)
        reference = vectors if reference is None else reference
        print(f"| sentence-transformers (torch) | {batch} | {rate:.0f} | - | - |", flush=True)
    if not all(importlib.util.find_spec(m) for m in ("onnx", "onnxruntime")):
        print("(onnxruntime/onnx not installed: ONNX rows skipped)")
        return
    path = resolve_model(None)
    for label, quantise in (("onnxruntime fp32", False), ("onnxruntime int8 (dynamic)", True)):
        with tempfile.TemporaryDirectory() as tmp:
            embed = onnx_embedder(path, quantise, Path(tmp))
            embed(sents[:8])
            t0 = time.perf_counter()
            vectors = embed(sents)
            rate = len(sents) / (time.perf_counter() - t0)
        cos = (vectors * reference).sum(1)
        print(f"| {label} | 64 | {rate:.0f} | {cos.min():.4f} | {cos.mean():.4f} |", flush=True)


if __name__ == "__main__":
    main()
