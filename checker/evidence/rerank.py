"""The reader's judgement applied to retrieved hits: re-ranking, the relevance floor, and the
suggested verdict. No torch here: the reader is anything with `score(claims, passages)`.

- Judging: the fused candidates (`rerank_depth` of them) each get the reader's calibrated
  relevance (its logit with the retriever's cosine) and stance. They keep the fused order:
  the shipped reader's relevance logit got a weight of -0.05 in the calibration fit (no
  signal), so re-ordering by relevance would be re-ordering by cosine alone, which measured
  worse than the fused ranking (bench/RESULTS.md, "Reader"). `order="relevance"` re-ranks.
- The floor: a passage below it is not evidence. It is kept apart as a "weaker match" (at most
  `top_k` of them), carries no checks and raises no ⚠️. A claim with nothing above the floor
  has no suggestion: "No relevant evidence in the corpus".
- The suggestion, from the passages above the floor: for SUPPORTS and REFUTES, the best
  relevance x stance probability over the passages. The higher of the two, if it reaches 0.5,
  is the suggestion, with that value as its confidence and the passages that lean that way as
  its evidence; otherwise NOT_ENOUGH_INFO, with confidence 1 - that value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from checker.types import Hit, Suggestion


class Scorer(Protocol):
    floor: float

    def score(self, claims: Sequence[str], passages: Sequence[str], *, dense: Sequence[float] | None = None,
              batch_size: int = 32) -> Any: ...


@dataclass(frozen=True)
class Reading:
    """One claim's hits after the reader: evidence above the floor, weaker matches below it."""

    shown: list[Hit]
    weaker: list[Hit]
    suggestion: Suggestion | None


def rerank(reader: Scorer, queries: Sequence[str], hits: Sequence[Sequence[Hit]], *, top_k: int,
           floor: float | None = None, order: str = "fused") -> list[Reading]:
    """Score every (query, candidate) pair in one batch, then re-rank and split each claim's hits."""
    floor = reader.floor if floor is None or floor < 0 else floor
    claims = [q for q, hs in zip(queries, hits, strict=True) for _ in hs]
    passages = [h.passage.embedding_text() for hs in hits for h in hs]
    scores = reader.score(claims, passages, dense=[h.dense_score for hs in hits for h in hs])
    out: list[Reading] = []
    row = 0
    for hs in hits:
        judged = []
        for h in hs:
            judged.append(replace(h, relevance=float(scores.relevance[row]), stance=scores.label(row),
                                  stance_probabilities=tuple(scores.probabilities(row).items())))
            row += 1
        if order == "relevance":
            judged.sort(key=lambda h: (-(h.relevance or 0.0), -h.score, h.rank))
        judged = [replace(h, rank=i) for i, h in enumerate(judged, start=1)]
        shown = [h for h in judged if (h.relevance or 0.0) >= floor][:top_k]
        weaker = [h for h in judged if (h.relevance or 0.0) < floor][:top_k]
        out.append(Reading(shown, weaker, suggest(shown)))
    return out


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
