"""A claim's evidence as the work log stores it: each hit as plain JSON values, the weaker matches
(below the reader's relevance floor) in the same list with `"weaker": true`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checker.compare import Check
from checker.reading.timing import mark_after
from checker.types import Hit, Passage


def hit_record(hit: Hit) -> dict[str, Any]:
    """Everything needed to show a hit again later, as plain JSON values."""
    return {"passage": hit.passage.to_dict(), "score": hit.score, "dense_score": hit.dense_score,
            "lexical_score": hit.lexical_score, "rank": hit.rank, "dense_part": hit.dense_part,
            "lexical_part": hit.lexical_part, "checks": [c.to_dict() for c in hit.checks],
            "relevance": hit.relevance, "stance": hit.stance,
            "stance_probabilities": dict(hit.stance_probabilities)}


def hit_from_record(data: dict[str, Any]) -> Hit:
    checks = tuple(Check(c["kind"], c["status"], (c["claim_start"], c["claim_end"]),
                         None if c["evidence_start"] is None else (c["evidence_start"], c["evidence_end"]),
                         c["detail"]) for c in data.get("checks", ()))
    return Hit(Passage.from_dict(data["passage"]), data["score"], data["dense_score"], data["lexical_score"],
               rank=data["rank"], dense_part=data["dense_part"], lexical_part=data["lexical_part"],
               checks=checks, relevance=data.get("relevance"), stance=data.get("stance"),
               stance_probabilities=tuple((data.get("stance_probabilities") or {}).items()))


def evidence_records(evidence: Sequence[Hit], weaker: Sequence[Hit]) -> list[dict[str, Any]]:
    """What the work log stores for a searched claim."""
    return [hit_record(h) for h in evidence] + [{**hit_record(h), "weaker": True} for h in weaker]


def stored_hits(records: Sequence[dict[str, Any]] | None, published: str | None, *,
                weaker: bool = False) -> list[Hit]:
    """A stored claim's evidence (or its weaker matches), marked when dated after the article."""
    hits = [hit_from_record(h) for h in records or () if bool(h.get("weaker")) is weaker]
    return hits if weaker else mark_after(hits, published)
