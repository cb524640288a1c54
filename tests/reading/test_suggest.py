"""The suggestion rule, on hand-made judged hits with a known answer."""

from __future__ import annotations

from checker.reading.suggest import suggest
from checker.types import Hit, Passage


def _hit(pid: str, relevance: float, supports: float, refutes: float) -> Hit:
    probs = {"SUPPORTS": supports, "REFUTES": refutes, "NOT_ENOUGH_INFO": 1 - supports - refutes}
    return Hit(Passage(pid, pid.split("#")[0], "text", 0, 4, pid), 0.5, 0.5, 1.0, relevance=relevance,
               stance=max(probs, key=lambda k: probs[k]), stance_probabilities=tuple(probs.items()))


def test_no_evidence_no_suggestion() -> None:
    assert suggest([]) is None


def test_refuting_passages_win_when_confident() -> None:
    s = suggest([_hit("a#0", 0.9, 0.1, 0.8), _hit("b#0", 0.8, 0.05, 0.9), _hit("c#0", 0.7, 0.6, 0.1)])
    assert s is not None and s.label == "REFUTES" and s.evidence == ("a#0", "b#0")
    assert abs(s.confidence - 0.72) < 1e-9 and s.verdict() == "Refuted"


def test_weak_stances_give_not_enough_info() -> None:
    s = suggest([_hit("a#0", 0.6, 0.3, 0.3)])
    assert s is not None and s.label == "NOT_ENOUGH_INFO" and s.evidence == ("a#0",)
    assert abs(s.confidence - (1 - 0.18)) < 1e-9
    assert s.to_dict() == {"label": "NOT_ENOUGH_INFO", "confidence": 0.82, "evidence": ["a#0"]}
