"""The suggested verdict of a claim, from its evidence above the relevance floor.

Each passage leans each way by relevance x stance probability; the claim's support is the best
SUPPORTS lean over its passages, its refutation the best REFUTES lean. The rule has two
thresholds, fitted on claim-level labels (`python -m checker train suggestion`, stored in the
reader's `reader.json` under "suggestion"), never set by hand:

- REFUTES when the refutation reaches its threshold and is at least the support;
- SUPPORTS when the support reaches its threshold and exceeds the refutation;
- NOT_ENOUGH_INFO otherwise.

The confidence is the winning lean (for NOT_ENOUGH_INFO, one minus the larger lean). The
suggestion names the passages it rests on, each once: for SUPPORTS or REFUTES those that lean
that way most, for NOT_ENOUGH_INFO every passage judged.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.types import Hit, Suggestion

READER_JSON = Path(__file__).resolve().parent.parent / "models" / "reader" / "reader.json"


@dataclass(frozen=True)
class Rule:
    supports: float = 0.5
    refutes: float = 0.5

    def decide(self, support: float, refutation: float) -> str:
        if refutation >= self.refutes and refutation >= support:
            return "REFUTES"
        if support >= self.supports and support > refutation:
            return "SUPPORTS"
        return "NOT_ENOUGH_INFO"

    def to_dict(self) -> dict[str, float]:
        return {"supports": self.supports, "refutes": self.refutes}


@functools.cache
def shipped_rule(path: Path = READER_JSON) -> Rule:
    """The rule stored beside the shipped reader (the 0.5 thresholds if it has none)."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8")).get("suggestion") or {}
        return Rule(float(entry.get("supports", 0.5)), float(entry.get("refutes", 0.5)))
    except (OSError, ValueError, AttributeError, TypeError):
        return Rule()


def leans(relevance: float, probabilities: dict[str, float]) -> tuple[float, float]:
    """(support, refutation) of one passage."""
    return relevance * probabilities.get("SUPPORTS", 0.0), relevance * probabilities.get("REFUTES", 0.0)


def suggest(shown: Sequence[Hit], rule: Rule | None = None) -> Suggestion | None:
    """The suggested verdict from the evidence above the floor; None when there is none."""
    judged = [h for h in shown if h.relevance is not None and h.stance_probabilities]
    if not judged:
        return None
    rule = rule or shipped_rule()
    lean = {h.passage.passage_id: leans(h.relevance or 0.0, dict(h.stance_probabilities)) for h in judged}
    support = max(s for s, _ in lean.values())
    refutation = max(r for _, r in lean.values())
    label = rule.decide(support, refutation)
    ids = list(dict.fromkeys(h.passage.passage_id for h in judged))
    if label == "NOT_ENOUGH_INFO":
        return Suggestion(label, round(1 - max(support, refutation), 6), tuple(ids))
    side = 0 if label == "SUPPORTS" else 1
    best = support if side == 0 else refutation
    # the passages that lean this way at least half as much as the strongest one
    resting = [pid for pid in ids if lean[pid][side] >= 0.5 * best and lean[pid][side] >= lean[pid][1 - side]]
    return Suggestion(label, round(best, 6), tuple(resting))
