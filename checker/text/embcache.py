"""A disk cache of sentence embeddings keyed by model and text, for training and evaluation.

Each call stores one `.npz` file per (model, list of texts) under the cache folder; texts seen
before in any cached file are not embedded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from checker.text.embed import Embedder, Progress


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def cached_embeddings(texts: Sequence[str], *, embedder: Embedder, cache: Path, name: str,
                      batch_size: int = 32, progress: Progress | None = None) -> np.ndarray:
    """Embeddings of `texts` (rows in order), reusing and extending `cache/<name>-<model>.npz`."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in embedder.name)[-40:]
    path = Path(cache) / f"embeddings-{name}-{slug}.npz"
    known: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    keys = [_key(t) for t in texts]
    todo = list(dict.fromkeys(k for k in keys if k not in known))
    if todo:
        first = {k: t for t, k in zip(texts, keys, strict=True)}
        fresh = embedder.encode([first[k] for k in todo], batch_size=batch_size, progress=progress)
        known.update(zip(todo, fresh, strict=True))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
        tmp.replace(path)
    return np.stack([known[k] for k in keys]) if keys else np.zeros((0, embedder.dim), dtype=np.float32)
