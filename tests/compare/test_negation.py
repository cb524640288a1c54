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


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        # a negator scoping over a modifier denies the modified phrase, not its head noun
        ("The mayor spoke about the grief of the flood's victims.",
         "The mayor said there is no small grief when a home is lost to the flood."),
        ("The embassy sent a response to the letter.", "The embassy sent no positive response to the letter."),
        ("Officials described the storm as an escalation.", "Officials said the storm was not a major escalation."),
        # a preposition ends the negated phrase: what is refused is membership, not the country
        ("The plan is about Georgia and the alliance.",
         "Under the plan the alliance would refuse membership to Georgia and Moldova."),
        # the object of a negated verb is neither asserted nor negated
        ("The company reported a rise in profits.", "The company did not report a rise in profits."),
    ],
)
def test_negation_governs_one_word_not_its_phrase(claim: str, evidence: str) -> None:
    """Issue 27: "no small grief", "no positive response" and "refuse membership to Ukraine" do
    not negate "grief", "response" or "Ukraine": a cue governs the first content word after it."""
    flags = [c for c in checks_of("negation", claim, evidence) if c.status == "differs"]
    for c in flags:  # a flag may only point at the governed word or the predicate
        assert claim[slice(*c.claim_span)] not in ("grief", "response", "escalation", "Georgia", "profits"), c
    if "report" not in claim:
        assert flags == [], flags


@pytest.mark.parametrize(
    ("claim", "evidence", "claim_word"),
    [
        ("The embassy sent a positive response to the letter.", "The embassy sent no positive response to the letter.",
         "positive"),
        ("The talks produced a breakthrough.", "There was no real breakthrough at the talks.", "breakthrough"),
        ("NATO offered membership to Georgia.", "NATO would refuse membership to Georgia.", "membership"),
        ("Both sides reached a deal.", "Both sides failed to reach a deal.", "reached"),
    ],
)
def test_the_governed_word_still_differs(claim: str, evidence: str, claim_word: str) -> None:
    """The word the cue governs is negated: the modifier itself ("no positive response" against "a
    positive response"), a head behind a degree word ("no real breakthrough"), the object of
    refuse, the verb after "failed to"."""
    flags = [c for c in checks_of("negation", claim, evidence) if c.status == "differs"]
    assert len(flags) == 1, flags
    assert claim_word in claim[slice(*flags[0].claim_span)], flags[0]


def test_infinitive_to_keeps_the_phrase_negated() -> None:
    """"do not seem to increase": the verb after an infinitive "to" is in the negated phrase, not
    asserted, so it does not differ from a claim that negates a rise."""
    claim = "The drug does not enhance the risk of death in these patients."
    evidence = "The drugs do not seem to increase the risk of death."
    assert all(c.status != "differs" for c in checks_of("negation", claim, evidence))
