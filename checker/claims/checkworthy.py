"""Check-worthiness scores behind one function, `score_sentences`.

The default scorer is the fine-tuned MiniLM classifier (`checker.claims.finetuned`, weights in
`checker/models/checkworthiness/`, reproduced by `python -m checker train checkworthiness`);
it runs whenever the caller works with MiniLM embeddings, and a missing or damaged weights
file is a `ModelError`, never a silent fallback. With another embedding model the transparent
feature scorer runs. `CheckworthinessModel` is the earlier baseline, a logistic regression
over the embedding plus the features (`train checkworthiness --kind linear`), kept so that
baseline can be reproduced and compared.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from checker.claims.features import FEATURE_NAMES, sentence_features
from checker.claims.linear import LogisticModel
from checker.config import DEFAULT_MODEL

if TYPE_CHECKING:
    from checker.claims.finetuned import FinetunedCheckworthiness

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "checkworthiness"


def features_matrix(texts: Sequence[str]) -> np.ndarray:
    rows = [sentence_features(t) for t in texts]
    return np.array([[r[name] for name in FEATURE_NAMES] for r in rows], dtype=np.float64).reshape(
        len(texts), len(FEATURE_NAMES))


@dataclass(frozen=True)
class CheckworthinessModel:
    embedding_model: str
    dim: int
    linear: LogisticModel
    calibration: tuple[float, float] = (1.0, 0.0)  # p = sigmoid(a * decision + b)
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)

    def fits(self, model_name: str, dim: int) -> bool:
        from checker.text.embed import same_model

        return same_model(model_name, self.embedding_model) and dim == self.dim

    def score(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Calibrated probabilities that each sentence is worth checking."""
        x = np.hstack([np.asarray(vectors, dtype=np.float64), features_matrix(texts)])
        a, b = self.calibration
        z = np.clip(a * self.linear.decision(x) + b, -40, 40)
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {"embedding_model": self.embedding_model, "dim": self.dim, "linear": self.linear.to_json(),
                "calibration": list(self.calibration), "threshold": self.threshold, "meta": self.meta}

    def save(self, path: Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(self.to_json(), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CheckworthinessModel:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        a, b = data.get("calibration", (1.0, 0.0))
        return cls(data["embedding_model"], int(data["dim"]), LogisticModel.from_json(data["linear"]),
                   (float(a), float(b)), float(data.get("threshold", 0.5)), data.get("meta", {}))


_loaded: dict[Path, FinetunedCheckworthiness] = {}
_load_lock = threading.Lock()


def default_model(folder: Path | None = None) -> FinetunedCheckworthiness:
    """The shipped fine-tuned classifier, loaded once per process (torch is imported here).

    Raises `ModelError` with a one-line reason when its files are missing or damaged.
    """
    folder = Path(folder or MODEL_DIR)
    with _load_lock:
        if folder not in _loaded:
            from checker.claims.finetuned import FinetunedCheckworthiness

            _loaded[folder] = FinetunedCheckworthiness.load(folder)
        return _loaded[folder]


def platt(decisions: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Fit p = sigmoid(a * decision + b) on held-apart data (Platt scaling)."""
    from checker.claims.linear import fit_logistic

    fit = fit_logistic(np.asarray(decisions, dtype=np.float64)[:, None], labels, l2=1e-3)
    a = float(fit.coef[0] / fit.scale[0])
    return a, float(fit.intercept - a * fit.mean[0])


def score_sentences(texts: Sequence[str], *, vectors: np.ndarray | None = None,
                    embedding_model: str | None = None,
                    model: CheckworthinessModel | FinetunedCheckworthiness | None = None,
                    ) -> list[tuple[float, tuple[str, ...]]]:
    """Check-worthiness of each sentence in [0, 1], with the transparent reasons.

    The fine-tuned classifier (or `model`, when given) scores when the caller's embeddings
    come from its base model (same name, and the same dimension when `vectors` are given);
    otherwise the transparent feature scorer does. The classifier reads the texts itself;
    `vectors` are only needed by the linear baseline.
    """
    from checker.claims.features import feature_reasons, score_sentence
    from checker.text.embed import same_model

    texts = list(texts)
    if not texts or embedding_model is None:
        return [score_sentence(t) for t in texts]
    if model is None and same_model(embedding_model, DEFAULT_MODEL):
        model = default_model()
    dim = int(vectors.shape[1]) if vectors is not None else (model.dim if model is not None else 0)
    if model is None or not model.fits(embedding_model, dim):
        return [score_sentence(t) for t in texts]
    if isinstance(model, CheckworthinessModel):
        if vectors is None:
            return [score_sentence(t) for t in texts]
        probs = model.score(texts, vectors)
    else:
        probs = model.score(texts)
    return [(float(p), feature_reasons(sentence_features(t))) for p, t in zip(probs, texts, strict=True)]


def shares_lower_layers(embedder: object) -> bool:
    """True when `embedder` is the plain MiniLM embedder whose lower layers the fine-tuned
    classifier shares, so that `embed_and_score` can stand in for embedding then scoring."""
    from checker.text.embed import SentenceTransformerEmbedder, same_model

    if type(embedder) is not SentenceTransformerEmbedder or not same_model(embedder.name, DEFAULT_MODEL):
        return False
    model = default_model()
    return model.fits(embedder.name, model.dim)


def embed_and_score(texts: Sequence[str], *, batch_size: int = 32,
                    ) -> tuple[np.ndarray, list[tuple[float, tuple[str, ...]]]]:
    """MiniLM embeddings and check-worthiness scores in one pass: the classifier and the
    embedding share MiniLM's frozen lower layers (the vectors equal the embedder's)."""
    from checker.claims.features import feature_reasons

    texts = list(texts)
    vectors, probs = default_model().embed_and_score(texts, batch_size=batch_size)
    return vectors, [(float(p), feature_reasons(sentence_features(t))) for p, t in zip(probs, texts, strict=True)]
