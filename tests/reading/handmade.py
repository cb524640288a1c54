"""A hand-made reader for tests: relevance and stance from marker words, so every answer is known.

Relevance is 0.9 when the passage mentions the claim's first word, else 0.1. Stance: a passage
saying "false" refutes (0.9), one saying "confirmed" supports (0.9), any other is
NOT_ENOUGH_INFO (0.8).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LABELS = ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")


@dataclass(frozen=True)
class Scores:
    relevance: np.ndarray
    stance: np.ndarray

    def label(self, i: int) -> str:
        return LABELS[int(np.argmax(self.stance[i]))]

    def probabilities(self, i: int) -> dict[str, float]:
        return {lab: float(p) for lab, p in zip(LABELS, self.stance[i], strict=True)}


def stance_of(passage: str) -> tuple[float, float, float]:
    text = passage.lower()
    if "false" in text:
        return (0.05, 0.9, 0.05)
    if "confirmed" in text:
        return (0.9, 0.05, 0.05)
    return (0.1, 0.1, 0.8)


class MarkerReader:
    def __init__(self, floor: float = 0.5) -> None:
        self.floor = floor
        self.pairs: list[tuple[str, str]] = []

    def score(self, claims: Sequence[str], passages: Sequence[str], *, dense: Sequence[float] | None = None,
              batch_size: int = 32) -> Scores:
        self.pairs += list(zip(claims, passages, strict=True))
        relevance = [0.9 if c.split()[0].lower() in p.lower() else 0.1 for c, p in zip(claims, passages, strict=True)]
        return Scores(np.array(relevance, dtype=np.float64), np.array([stance_of(p) for p in passages]))
