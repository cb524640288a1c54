"""The suggested verdict of a claim, from its evidence above the relevance floor.

For SUPPORTS and REFUTES, the best relevance x stance probability over the passages. The
higher of the two, if it reaches 0.5, is the suggestion, with that value as its confidence and
the passages that lean that way as its evidence; otherwise NOT_ENOUGH_INFO, with confidence
1 - that value.
"""

from __future__ import annotations

from collections.abc import Sequence

from checker.types import Hit, Suggestion


def suggest(shown: Sequence[Hit]) -> Suggestion | None:
    """The suggested verdict from the evidence above the floor; None when there is none."""
    judged = [h for h in shown if h.relevance is not None and h.stance_probabilities]
    if not judged:
        return None
    best = {}
    for label in ("SUPPORTS", "REFUTES"):
        best[label] = max((h.relevance or 0.0) * dict(h.stance_probabilities)[label] for h in judged)
    label = max(best, key=lambda k: best[k])
    if best[label] >= 0.5:
        ids = tuple(h.passage.passage_id for h in judged if h.stance == label)
        return Suggestion(label, round(best[label], 6), ids)
    return Suggestion("NOT_ENOUGH_INFO", round(1 - best[label], 6), tuple(h.passage.passage_id for h in judged))
