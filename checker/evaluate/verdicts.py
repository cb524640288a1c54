"""The suggested verdict measured against claim labels: each claim goes through the product's
own check (retrieval, reader, relevance floor, suggestion: `checker.pipeline.check_claims`,
handed in as `check`) and its suggestion is compared with the claim's FEVER label.

A claim with no evidence above the floor has no suggestion and counts as NOT_ENOUGH_INFO: the
product says "No relevant evidence in the corpus", which is a not-enough-information answer.
`record` keeps what the reader said of every passage, so a suggestion rule can be fitted from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from checker.evaluate.data import ClaimLabels
from checker.evaluate.metrics import STANCE_LABELS, stance_scores
from checker.types import ClaimReport, Hit

NEI = "NOT_ENOUGH_INFO"
Check = Callable[[list[str]], Sequence[ClaimReport]]


@dataclass(frozen=True)
class ClaimOutcome:
    """One labelled claim and what the product's check made of it."""

    query_id: str
    gold: str
    report: ClaimReport

    @property
    def predicted(self) -> str:
        s = self.report.suggestion
        return NEI if s is None else s.label

    @property
    def no_relevant_evidence(self) -> bool:
        return not self.report.evidence

    def record(self, relevant_docs: dict[str, int] | None = None) -> dict[str, Any]:
        """One line of `eval verdicts --out`: the claim, its gold and suggested labels, and what
        the reader said of each shown passage and each weaker match (`gold_doc`: the passage's
        document is one of the claim's qrels, null without qrels)."""
        s = self.report.suggestion

        def passage(h: Hit) -> dict[str, Any]:
            return {"passage_id": h.passage.passage_id, "doc_id": h.passage.doc_id, "rank": h.rank,
                    "score": round(h.score, 6), "dense_score": round(h.dense_score, 6),
                    "lexical_score": round(h.lexical_score, 6),
                    "relevance": None if h.relevance is None else round(h.relevance, 6),
                    "stance": {lab: dict(h.stance_probabilities).get(lab) for lab in STANCE_LABELS},
                    "differs": sorted({c.kind for c in h.checks if c.status == "differs"}),
                    "after_article": h.after_article,
                    "gold_doc": None if relevant_docs is None else relevant_docs.get(h.passage.doc_id, 0) > 0}

        return {"id": self.query_id, "claim": self.report.claim.text, "gold": self.gold,
                "suggested": self.predicted, "confidence": None if s is None else round(s.confidence, 6),
                "suggestion_evidence": [] if s is None else list(s.evidence),
                "no_relevant_evidence": self.no_relevant_evidence,
                "evidence": [passage(h) for h in self.report.evidence],
                "weaker_matches": [passage(h) for h in self.report.weaker]}


def run_verdicts(data: ClaimLabels, check: Check, *, batch: int = 32,
                 progress: Callable[[int, int], None] | None = None) -> list[ClaimOutcome]:
    """Check every labelled claim of `data`, `batch` at a time, in the labels file's order."""
    ids = list(data.claims)
    out: list[ClaimOutcome] = []
    for lo in range(0, len(ids), max(1, batch)):
        chunk = ids[lo : lo + max(1, batch)]
        reports = check([data.claims[q] for q in chunk])
        out += [ClaimOutcome(q, data.labels[q], r) for q, r in zip(chunk, reports, strict=True)]
        if progress:
            progress(len(out), len(ids))
    return out


def verdict_scores(outcomes: Sequence[ClaimOutcome]) -> dict[str, Any]:
    """`stance_scores` of the suggestions against the labels, with the share of claims that had
    no evidence above the floor (`no_relevant_evidence`)."""
    result = stance_scores([o.predicted for o in outcomes], [o.gold for o in outcomes])
    empty = sum(o.no_relevant_evidence for o in outcomes)
    return {**result, "no_relevant_evidence": empty / len(outcomes) if outcomes else 0.0,
            "no_relevant_evidence_claims": empty}
