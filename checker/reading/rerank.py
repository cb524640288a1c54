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
- The suggestion, from the passages above the floor (`checker.reading.suggest`), leaving out
  those marked as published after the article (`checker.reading.timing`): they are shown,
  flagged, but never carry it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from checker.reading.suggest import shipped_rule, suggest
from checker.reading.timing import before_article
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
    folder = getattr(reader, "folder", None)  # the reader's own suggestion rule, beside its weights
    rule = shipped_rule(Path(folder) / "reader.json") if folder is not None else None
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
        out.append(Reading(shown, weaker, suggest(before_article(shown), rule)))
    return out
