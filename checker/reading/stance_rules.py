"""The rule checks as features of the reader's stance: a small multinomial logistic layer over
the reader's three stance logits and which checks agree or differ.

Features of a (claim, passage) pair, in `FEATURES` order: the reader's SUPPORTS, REFUTES and
NOT_ENOUGH_INFO logits, then for each check kind (number, date, name, negation) and status
(agrees, differs, missing) whether `checker.compare` found one. The layer's weights are fitted
on out-of-fold reader logits (`checker/training/stance_combiner.py`) and stored as plain
numbers in `reader.json` under "combiner"; a reader without them uses its own stance head.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from checker.compare import KINDS, STATUSES, compare
from checker.errors import ModelError

LOGITS = ("logit_SUPPORTS", "logit_REFUTES", "logit_NOT_ENOUGH_INFO")
FEATURES = LOGITS + tuple(f"{kind}_{status}" for kind in KINDS for status in STATUSES)


def rule_features(claim: str, passage: str) -> list[float]:
    """Which (kind, status) checks `compare` finds for the pair, as 0/1 in FEATURES order."""
    found = {(c.kind, c.status) for c in compare(claim, passage)}
    return [float((kind, status) in found) for kind in KINDS for status in STATUSES]


def features(claims: Sequence[str], passages: Sequence[str], logits: np.ndarray) -> np.ndarray:
    """The combiner's input rows: stance logits beside the rule features."""
    rules = np.array([rule_features(c, p) for c, p in zip(claims, passages, strict=True)], dtype=np.float64)
    return np.hstack([np.asarray(logits, dtype=np.float64).reshape(len(claims), 3),
                      rules.reshape(len(claims), len(FEATURES) - 3)])


class Combiner:
    """Softmax(x @ W.T + b) over FEATURES, with the weights of `reader.json`."""

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            if list(data["features"]) != list(FEATURES):
                raise ValueError("its features are not this version's")
            self.weight = np.asarray(data["weight"], dtype=np.float64)
            self.bias = np.asarray(data["bias"], dtype=np.float64)
            if self.weight.shape != (3, len(FEATURES)) or self.bias.shape != (3,):
                raise ValueError(f"weights of shape {self.weight.shape} and {self.bias.shape}")
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"reader stance combiner damaged ({exc})") from exc

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.weight.T + self.bias
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)
