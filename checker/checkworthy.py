"""The trained check-worthiness scorer: logistic regression over the sentence embedding the
pipeline already computes, plus the transparent features, calibrated to a probability.

Weights live in `checker/models/checkworthiness.json` (plain JSON) and are reproduced by
`python -m checker train checkworthiness --out PATH`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from checker.claims import FEATURE_NAMES, sentence_features
from checker.linear import LogisticModel

MODEL_PATH = Path(__file__).resolve().parent / "models" / "checkworthiness.json"


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
        from checker.index import same_model

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


@functools.lru_cache(maxsize=1)
def default_model() -> CheckworthinessModel | None:
    """The shipped model, or None when its file is absent or unreadable."""
    try:
        return CheckworthinessModel.load(MODEL_PATH)
    except (OSError, ValueError, KeyError):
        return None


def platt(decisions: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Fit p = sigmoid(a * decision + b) on held-apart data (Platt scaling)."""
    from checker.linear import fit_logistic

    fit = fit_logistic(np.asarray(decisions, dtype=np.float64)[:, None], labels, l2=1e-3)
    a = float(fit.coef[0] / fit.scale[0])
    return a, float(fit.intercept - a * fit.mean[0])


def score_sentences(texts: Sequence[str], *, vectors: np.ndarray | None = None,
                    embedding_model: str | None = None,
                    model: CheckworthinessModel | None = None) -> list[tuple[float, tuple[str, ...]]]:
    """Check-worthiness of each sentence in [0, 1], with the transparent reasons.

    The trained model scores when it fits the embeddings given (same embedding model and
    dimension); otherwise the transparent feature scorer does.
    """
    from checker.claims import feature_reasons, score_sentence

    model = model or default_model()
    if (model is not None and vectors is not None and embedding_model is not None and len(texts)
            and model.fits(embedding_model, int(vectors.shape[1]))):
        probs = model.score(texts, vectors)
        return [(float(p), feature_reasons(sentence_features(t))) for p, t in zip(probs, texts, strict=True)]
    return [score_sentence(t) for t in texts]
