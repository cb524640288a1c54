"""A logistic regression saved as plain JSON (no pickles), fitted with scikit-learn.

Used for Platt calibration and for the embedding-plus-features check-worthiness baseline.
Features are standardised, the fit is scikit-learn's L-BFGS with an L2 penalty (the
intercept unpenalised), which is deterministic: the same data gives the same weights.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LogisticModel:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    names: tuple[str, ...] = ()

    def decision(self, x: np.ndarray) -> np.ndarray:
        z = (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
        return z @ self.coef + self.intercept

    def predict(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.decision(x), -40, 40)))

    def to_json(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "coef": self.coef.tolist(),
                "intercept": self.intercept, "names": list(self.names)}

    @classmethod
    def from_json(cls, data: dict) -> LogisticModel:
        return cls(np.asarray(data["mean"], dtype=np.float64), np.asarray(data["scale"], dtype=np.float64),
                   np.asarray(data["coef"], dtype=np.float64), float(data["intercept"]),
                   tuple(data.get("names", ())))

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json()), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LogisticModel:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, sample_weight: np.ndarray | None = None,
                 names: tuple[str, ...] = ()) -> LogisticModel:
    """Fit P(y=1|x) on standardised features, minimising log-loss + l2/2 * |coef|^2."""
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-12] = 1.0
    fit = LogisticRegression(C=1.0 / max(l2, 1e-12), solver="lbfgs", max_iter=2000, tol=1e-10)
    fit.fit((x - mean) / scale, y.astype(int), sample_weight=sample_weight)
    return LogisticModel(mean, scale, fit.coef_[0].astype(np.float64), float(fit.intercept_[0]), names)
