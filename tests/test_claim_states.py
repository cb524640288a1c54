"""The Check page's claim list says each claim's state with an icon and words, never colour
alone (second walk, item 7): a verdict, or what its evidence says."""

from dataclasses import replace

import pytest

from checker import workbench as wb
from checker.types import Hit, Label, Passage, Suggestion, Verdict
from ui.check_page import _claim_label, claim_state

P = Passage("d#0", "d", "Russia massed 100,000 troops.", 0, 29, "Troops", date="2022-01-20")


def _claim(**changes) -> wb.WorkClaim:
    base = wb.WorkClaim(claim_id=1, start=0, end=30, sentence="Russia massed 100,000 troops.", score=0.8,
                        reasons=("a number",), query="Russia massed 100,000 troops.")
    return replace(base, **changes)


def _hit(**changes) -> Hit:
    return replace(Hit(P, 0.03, 0.6, 4.0, rank=3, relevance=0.9, stance="SUPPORTS",
                       stance_probabilities=(("SUPPORTS", 0.9), ("REFUTES", 0.05), ("NOT_ENOUGH_INFO", 0.05))),
                   **changes)


VERDICT = Verdict(1, 1, 1, Label.REFUTED, "n", "Ada", "Russia massed 100,000 troops.", "2026-12-07T01:00:00")


@pytest.mark.parametrize(("claim", "state"), [
    (_claim(evidence=[], weaker=[_hit(relevance=0.1)]), "🚫 no relevant evidence"),
    (_claim(evidence=[_hit()], suggestion=Suggestion("SUPPORTS", 0.9, ("d#0",))), "👍 supported"),
    (_claim(evidence=[_hit(stance="REFUTES")], suggestion=Suggestion("REFUTES", 0.8, ("d#0",))), "👎 refuted"),
    (_claim(evidence=[_hit(after_article=True)]), "⏱ only later evidence"),
    (_claim(evidence=[_hit()], verdict=VERDICT, suggestion=Suggestion("SUPPORTS", 0.9)), "❌ verdict: Refuted"),
    (_claim(loaded=False), "⏳ not searched yet"),
    (_claim(evidence=[_hit(relevance=None, stance=None, stance_probabilities=())]), "📄 evidence"),
])
def test_each_state_has_an_icon_and_words(claim: wb.WorkClaim, state: str) -> None:
    assert claim_state(claim) == state
    label = _claim_label(claim)
    assert label.startswith(state + " · ") and "**0.80**" in label and "100,000 troops" in label


def test_a_verdict_wins_and_later_evidence_never_reads_as_a_suggestion() -> None:
    later = _claim(evidence=[_hit(after_article=True), _hit(after_article=True, stance="REFUTES")])
    assert claim_state(later) == "⏱ only later evidence"
    mixed = _claim(evidence=[_hit(after_article=True), _hit(after_article=False)],
                   suggestion=Suggestion("SUPPORTS", 0.9, ("d#0",)))
    assert claim_state(mixed) == "👍 supported"
    assert "verdict" in claim_state(replace(later, verdict=VERDICT))


def test_the_suggestion_names_each_document_once() -> None:
    """Second walk, item 9: two passages of one document are one title with their number."""
    from ui.reader_panel import why

    second = Passage("d#1", "d", "Officials confirmed the figure.", 30, 61, "Troops", date="2022-01-20")
    other = Passage("e#0", "e", "A third passage.", 0, 16, "Talks", date="2022-01-20")
    claim = _claim(evidence=[_hit(), _hit(passage=second), _hit(passage=other)],
                   suggestion=Suggestion("SUPPORTS", 0.9, ("d#0", "d#1", "e#0")))
    assert why(claim) == "supported by 3 passages: «Troops» (2 passages), «Talks»"
