"""The date check: absolute and relative dates, placed with the article's date or reported
unresolved, and compared only with dates about the same event."""

from __future__ import annotations

import datetime as dt

import pytest

from checker.compare.date_expressions import dates_in
from checker.compare.text import Text
from tests.compare.helpers import checks_of, one


@pytest.mark.parametrize("written", ["21 January 2022", "January 21, 2022", "Jan. 21, 2022", "2022-01-21",
                                     "21/01/2022", "Friday, 21 January 2022"])
def test_absolute_date_forms(written: str) -> None:
    """Common ways of writing a date are read as the same day."""
    check = one("date", f"The talks took place on {written}.", "The talks were held on 21 January 2022.")
    assert check.status == "agrees"


def test_date_difference_shows_the_gap() -> None:
    """Another day is a difference, with both dates and the gap."""
    check = one("date", "The talks took place on 21 January 2022.", "The talks were held on Jan. 24, 2022.")
    assert check.status == "differs" and "3 days later" in check.detail


@pytest.mark.parametrize(
    ("claim", "claim_date", "evidence", "evidence_date", "status"),
    [
        ("The minister resigned on Thursday.", "2022-01-21", "The minister resigned on 20 January.", "2022-01-20",
         "agrees"),
        ("The minister resigned yesterday.", "2022-01-21", "The minister resigned on 19 January 2022.", None,
         "differs"),
        ("The vote will take place next week.", "2022-01-21", "The vote is scheduled for 26 January.", "2022-01-20",
         "agrees"),
        ("The vote took place last week.", "2022-01-21", "The vote was held on 26 January 2022.", None, "differs"),
        ("The report was published last month.", "2022-03-15", "The report was published on 12 February 2022.",
         None, "agrees"),
        ("The minister said on Friday that talks would resume.", "2022-01-21",
         "The minister said on Friday that talks would resume.", "2022-01-14", "differs"),
    ],
)
def test_relative_dates_resolved_with_the_article_date(claim: str, claim_date: str, evidence: str,
                                                       evidence_date: str | None, status: str) -> None:
    """"Thursday", "yesterday", "next week", "last month" are placed with the article's (or the evidence's) date."""
    check = one("date", claim, evidence, claim_date=claim_date, evidence_date=evidence_date)
    assert check.status == status


@pytest.mark.parametrize(
    "claim",
    ["The minister resigned on Thursday.", "The minister resigned yesterday.", "The vote is next week.",
     "The report came out last month."],
)
def test_relative_dates_unresolved_without_an_article_date(claim: str) -> None:
    """Without the article's date a relative date is reported unresolved, never guessed."""
    check = one("date", claim, "The minister resigned on 20 January 2022.")
    assert check.status == "missing" and check.evidence_span is None
    assert check.detail.startswith("unresolved") and "no article date" in check.detail


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("The White House said the same day that troops would count.", "relative to an event"),
        ("The meeting came two days after the news conference.", "relative to an event"),
        ("The agreement was signed on 03/04/2021.", "ambiguous"),
    ],
)
def test_dates_that_cannot_be_placed_are_unresolved(claim: str, reason: str) -> None:
    """Dates relative to an event, and day/month-ambiguous dates, are unresolved even with an article date."""
    check = one("date", claim, "The agreement was signed on 3 April 2021.", claim_date="2022-01-21")
    assert check.status == "missing" and reason in check.detail


def test_dates_of_other_events_are_not_compared() -> None:
    """A date about another meeting in another city is no difference."""
    checks = checks_of("date", "U.S. and Russian officials met in Geneva on Jan. 10.",
                       "Diplomats meeting in Vienna on Thursday, 13 January 2022, were told of the risk of war.",
                       claim_date="2022-01-21", evidence_date="2022-01-13")
    assert [c.status for c in checks] == ["missing"]



@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("It happened on Friday.", "2022-01-21", "2022-01-21"),
        ("It happened yesterday.", "2022-01-20", "2022-01-20"),
        ("It happens next week.", "2022-01-24", "2022-01-30"),
        ("It happened last month.", "2021-12-01", "2021-12-31"),
        ("It happened three days ago.", "2022-01-18", "2022-01-18"),
        ("It happened in March.", "2022-03-01", "2022-03-31"),
        ("It happened in the 1990s.", "1990-01-01", "1999-12-31"),
        ("It lasted from 2009-2014.", "2009-01-01", "2014-12-31"),
    ],
)
def test_date_expressions_are_placed_with_the_reference_date(text: str, lo: str, hi: str) -> None:
    """Relative dates, months without a year, decades and year ranges become intervals (article: Fri 21 Jan 2022)."""
    (d,) = dates_in(Text(text, dt.date(2022, 1, 21)))
    assert (d.lo, d.hi) == (dt.date.fromisoformat(lo), dt.date.fromisoformat(hi))


def test_may_the_verb_and_counts_are_not_dates() -> None:
    """"may" is a verb unless it follows a preposition, and "2000 employees" is a count."""
    assert dates_in(Text("Officials May resign, and 2000 employees may leave.", None)) == []
    assert [d.month for d in dates_in(Text("The vote is in May.", None))] == [5]


def test_a_day_the_month_lacks_is_compared_not_a_crash() -> None:
    """"February 30" (a typo in a CheckThat! 2A passage) used to raise ValueError when the
    date's label was written, which stopped the reader's stance for the whole check."""
    from checker.compare import compare

    (check,) = [c for c in compare("The law passed on February 30.", "The law passed on March 3.") if c.kind == "date"]
    assert check.status == "differs" and "30 February" in check.detail


def test_superscript_digits_are_not_read_as_days() -> None:
    """'0²' is a digit string to str.isdigit() but not to int(): found by the property test. The
    date read is "May 2020" alone, which agrees with 1 May 2020, and neither '0²' nor '3²
    percent' is read as a figure."""
    from checker.compare import compare

    claim = "On 0² May 2020 it was 3² percent."
    checks = compare(claim, "On 1 May 2020 it was 9 percent.")
    assert [(c.kind, c.status, claim[c.claim_span[0]:c.claim_span[1]]) for c in checks] == [
        ("date", "agrees", "May 2020")]
