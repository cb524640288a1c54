"""The negation check: negated against asserted, antonyms of the polarity lexicon, and what is
not a difference (the same polarity, another object, "not only", nothing shared)."""

from __future__ import annotations

import pytest

from tests.compare.helpers import checks_of, one


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("No breakthrough was achieved at the talks.", "The talks produced a breakthrough."),
        ("The talks produced a breakthrough.", "No breakthrough was achieved at the talks."),
        ("The Kremlin denies the report.", "The Kremlin confirmed the report."),
        ("Parliament rejected the proposal.", "Parliament accepted the proposal."),
        ("The launch failed.", "The launch succeeded."),
        ("The talks ended without a deal.", "The two sides reached a deal."),
        ("The minister did not attend the meeting.", "The minister attended the meeting."),
        ("Sales rose in March.", "Sales fell in March."),
    ],
)
def test_opposite_polarity_differs(claim: str, evidence: str) -> None:
    """Negated against asserted, and denies/confirms, rejected/accepted, failed/succeeded, rose/fell, differ."""
    assert one("negation", claim, evidence).status == "differs"


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("No breakthrough was achieved at the talks.", "The talks ended without a breakthrough."),
        ("Blinken said no breakthrough was achieved.", "Both sides said they did not anticipate a breakthrough."),
        ("The talks ended without a deal.", "Officials said the weather was cold and no journalists were allowed in."),
        ("Not only did prices rise, wages rose too.", "Prices and wages rose."),
        ("Lavrov said Moscow expected written answers to its demands.",
         "Lavrov said both sides did not expect a breakthrough on Moscow's demands."),
    ],
)
def test_no_polarity_difference(claim: str, evidence: str) -> None:
    """Same polarity, nothing shared, "not only", or a negated verb with another object, is no difference."""
    assert all(c.status != "differs" for c in checks_of("negation", claim, evidence))



@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("The talks may produce a breakthrough.", "No breakthrough was achieved at the talks."),
        ("Officials said \"no breakthrough was achieved\" in private.", "The talks produced a breakthrough."),
    ],
)
def test_hedged_and_quoted_words_assert_nothing(claim: str, evidence: str) -> None:
    """A hedged word ("may produce") is not asserted, so it cannot differ from a negation."""
    assert all(c.status != "differs" for c in checks_of("negation", claim, evidence))
