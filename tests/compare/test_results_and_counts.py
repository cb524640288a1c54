"""Issue 27 item 6: results ("2-1" against "3-1"), counts of the same event ("three goals"
against "scored twice") and orders of magnitude worded as what they are ("tens of thousands"
is 10,000 to 99,999, so 100,000 is a soft difference, not another order of magnitude)."""

from __future__ import annotations

import pytest

from checker.compare.figures import find_figures
from checker.compare.text import Text
from tests.compare.helpers import checks_of, one


@pytest.mark.parametrize(
    ("claim", "evidence", "status"),
    [
        ("Rovers won the cup final 2-1 against Athletic.", "Rovers beat Athletic 3-1 in the cup final.", "differs"),
        ("Rovers won the cup final 2-1 against Athletic.", "Athletic lost the cup final 1-2 to Rovers.", "agrees"),
        ("Rovers won the cup final 2–1.", "Rovers won the cup final 2-1 on Sunday.", "agrees"),
        ("The court ruled 5-4 on the appeal.", "The court ruled 6-3 on the appeal.", "differs"),
    ],
)
def test_results_are_compared(claim: str, evidence: str, status: str) -> None:
    """A result is one exact figure read from either side, compared with the other text's result."""
    check = one("number", claim, evidence)
    assert check.status == status, check
    if status == "differs":
        assert "result" in check.detail


def test_a_result_is_not_a_range() -> None:
    """"2-1" in a sentence about winning is a result; "2-3 weeks" stays a range."""
    (result,) = find_figures(Text("The visitors won 2-1 after extra time.", None))
    assert result.unit == ("score", 1)
    (weeks,) = find_figures(Text("It took 2-3 weeks to win the vote.", None))
    assert (weeks.lo, weeks.hi, weeks.unit) == (2, 3, None)


@pytest.mark.parametrize(
    ("claim", "evidence", "status"),
    [
        ("Okafor scored three goals in the semi-final.", "Okafor scored twice in the semi-final.", "differs"),
        ("Okafor scored twice in the semi-final.", "Okafor scored two goals in the semi-final.", "agrees"),
        ("Okafor scored three times in the semi-final.", "Okafor scored twice in the semi-final.", "differs"),
        ("Okafor scored thrice in the semi-final.", "Okafor scored three goals in the semi-final.", "agrees"),
        ("The mayor was arrested once last year.", "The mayor was arrested twice last year.", "differs"),
    ],
)
def test_counts_of_the_same_event_are_compared(claim: str, evidence: str, status: str) -> None:
    """"scored twice" counts the scoring, "scored three goals" what it produced: the same event."""
    check = one("number", claim, evidence)
    assert check.status == status, check


def test_multipliers_and_other_verbs_are_not_event_counts() -> None:
    """"twice as many", "three times higher" multiply; another verb's count is not compared; "once
    again" is no figure."""
    assert one("number", "Exports rose twice as fast as imports.", "Exports rose three times as fast as imports."
               ).status == "differs"
    assert all(c.status != "differs" for c in checks_of(
        "number", "Okafor scored three goals in the semi-final.", "Okafor was booked twice in the semi-final."))
    assert checks_of("number", "The talks stalled once again.", "The talks stalled twice.") == []


@pytest.mark.parametrize(
    ("claim", "evidence", "words"),
    [
        ("Russia massed 100,000 troops near the border.", "Russia massed tens of thousands of troops near the border.",
         ("soft difference", "10,000 to 99,999", "just above")),
        ("Russia massed 400,000 troops near the border.", "Russia massed tens of thousands of troops near the border.",
         ("10,000 to 99,999", "above it")),
        ("Russia massed 5 million troops near the border.",
         "Russia massed tens of thousands of troops near the border.", ("another order of magnitude",)),
    ],
)
def test_orders_of_magnitude_say_how_far_off(claim: str, evidence: str, words: tuple[str, ...]) -> None:
    """100,000 against "tens of thousands" still differs (issue 14) but is worded as the soft
    difference it is; only a figure ten times beyond the range is "another order of magnitude"."""
    check = one("number", claim, evidence)
    assert check.status == "differs"
    for word in words:
        assert word in check.detail, check.detail
    if "soft difference" in words:
        assert "order of magnitude" not in check.detail
