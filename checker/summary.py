"""An article at a glance: what the evidence says about its claims, how many have a verdict, and
how much of it the corpus covers. The Check page shows it above the claims, `check --json` and
the API return it as "summary", and the Articles page gives it for every checked article.

A claim's state comes from its evidence, never from colour alone:

- "supported", "refuted", "not settled": the reader's suggestion over the evidence published
  before the article;
- "only later evidence": every passage above the relevance floor is dated after the article;
- "no relevant evidence": nothing reached the floor (weaker matches do not count);
- "evidence": passages, but no reader to suggest a verdict;
- "not searched": listed, but its evidence is loaded on demand (long texts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checker.reading.suggest import Rule, suggest
from checker.reading.timing import before_article
from checker.types import Hit, Suggestion
from checker.verdicts import worklog
from checker.verdicts.hits import stored_hits
from checker.verdicts.store import VerdictStore

STATES = ("supported", "refuted", "not settled", "only later evidence", "evidence", "no relevant evidence",
          "not searched")
ICONS = {"supported": "👍", "refuted": "👎", "not settled": "🤷", "only later evidence": "⏱", "evidence": "📄",
         "no relevant evidence": "🚫", "not searched": "⏳"}
_BY_SUGGESTION = {"SUPPORTS": "supported", "REFUTES": "refuted", "NOT_ENOUGH_INFO": "not settled"}


def evidence_state(evidence: Sequence[Hit], suggestion: Suggestion | None, *, searched: bool = True) -> str:
    """One of STATES for a claim with this evidence (above the floor) and suggestion."""
    if not searched:
        return "not searched"
    if not evidence:
        return "no relevant evidence"
    if all(h.after_article is True for h in evidence):  # the suggestion leaves these out
        return "only later evidence"
    if suggestion is not None:
        return _BY_SUGGESTION[suggestion.label]
    return "evidence"


@dataclass(frozen=True)
class EvidenceSummary:
    claims: int
    states: tuple[tuple[str, int], ...]  # (state, count) in STATES order, every state
    verdicts: int | None = None  # claims with a saved verdict; None where verdicts are not known (the CLI)

    def count(self, state: str) -> int:
        return dict(self.states)[state]

    def coverage(self) -> str:
        """'the corpus has nothing on 6 of 6 claims', counting only the claims searched."""
        searched = self.claims - self.count("not searched")
        nothing = self.count("no relevant evidence")
        waiting = f" ({self.count('not searched'):,} not searched yet)" if self.count("not searched") else ""
        if self.claims == 0:
            return "no claims to check"
        if searched == 0:
            return f"no claim searched yet{waiting}"
        if nothing == 0:
            return f"the corpus has relevant evidence on all {searched:,} claims searched{waiting}"
        return f"the corpus has nothing on {nothing:,} of {searched:,} claims{waiting}"

    def line(self) -> str:
        """'2 supported · 5 refuted · 3 no relevant evidence · 4 with a verdict', states with claims only."""
        parts = [f"{n:,} {state}" for state, n in self.states if n]
        if self.verdicts is not None:
            parts.append(f"{self.verdicts:,} with a verdict")
        return " · ".join(parts) if parts else "no claims"

    def icon_line(self) -> str:
        parts = [f"{ICONS[state]} {n:,} {state}" for state, n in self.states if n]
        if self.verdicts is not None:
            parts.append(f"✍️ {self.verdicts:,} with a verdict")
        return " · ".join(parts) if parts else "no claims"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"claims": self.claims, "states": dict(self.states), "coverage": self.coverage()}
        if self.verdicts is not None:
            out["verdicts"] = self.verdicts
        return out


def summarise(states: Iterable[str], *, verdicts: int | None = None) -> EvidenceSummary:
    """The summary of claims in these states."""
    counts = dict.fromkeys(STATES, 0)
    for state in states:
        counts[state] += 1
    return EvidenceSummary(sum(counts.values()), tuple(counts.items()), verdicts)


def stored_summary(store: VerdictStore, article_id: int, *, rule: Rule | None,
                   threshold: float) -> EvidenceSummary | None:
    """A checked article's summary from the work log (the claims listed at `threshold`), without
    opening it: no model, no search. None if unknown."""
    saved = worklog.load_article(store, article_id)
    if saved is None:
        return None
    states = []
    for c in saved.claims:
        if c.dismissed or not (c.promoted or c.score >= threshold):
            continue
        hits = stored_hits(c.evidence, saved.published)
        states.append(evidence_state(hits, suggest(before_article(hits), rule), searched=c.evidence is not None))
    return summarise(states)
