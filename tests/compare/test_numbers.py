"""The number check: figures read however they are written, qualifiers as ranges, units and
synonyms, and figures about something else left alone."""

from __future__ import annotations

import pytest

from checker.compare import compare
from checker.compare.figures import find_figures
from checker.compare.numbers import quantities_in
from checker.compare.text import Text
from tests.compare.helpers import checks_of, one


def test_number_difference_points_at_both_figures() -> None:
    """The reviewer's example: 100,000 forces against 127,000 troops differs, with both spans and the gap."""
    claim = "A crisis that Russia has created by massing 100,000 forces on Ukraine's border."
    evidence = "Ukraine said Russia had deployed 127,000 troops near the border."
    check = one("number", claim, evidence)
    assert check.status == "differs"
    assert claim[slice(*check.claim_span)] == "100,000 forces"
    assert check.evidence_span is not None
    assert evidence[slice(*check.evidence_span)] == "127,000 troops"
    assert "+27%" in check.detail


@pytest.mark.parametrize(
    ("claim", "evidence", "status"),
    [
        ("Russia massed about 100,000 troops.", "Russia massed 98,000 troops.", "agrees"),
        ("Russia massed more than 100,000 troops.", "Russia massed 127,000 troops.", "agrees"),
        ("Russia massed nearly 100,000 troops.", "Russia massed 127,000 troops.", "differs"),
        ("Russia massed 100,000 troops.", "Russia massed more than 106,000 troops.", "differs"),
        ("At least 40 ships took part.", "More than 30 ships took part.", "agrees"),
        ("Up to 25,000 civilians could die.", "Up to 50,000 civilians could die.", "differs"),
        ("Fewer than 50 people attended.", "About 200 people attended.", "differs"),
        ("Almost 50% of voters backed it.", "48 percent of voters backed it.", "agrees"),
        ("Almost 50% of voters backed it.", "52 percent of voters backed it.", "differs"),
        ("Russia massed 175,000 troops.", "Russia massed between 169,000 and 190,000 troops.", "agrees"),
        ("Tens of thousands of troops were deployed.", "127,000 troops were deployed.", "differs"),
    ],
)
def test_qualifiers_make_ranges(claim: str, evidence: str, status: str) -> None:
    """"about", "more than", "nearly", "at least", "up to", "fewer than", "almost" and ranges compare as ranges."""
    assert one("number", claim, evidence).status == status


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("Russia massed 100 000 troops.", "Russia massed 100,000 troops."),
        ("Russia massed 100k troops.", "Russia massed 100,000 troops."),
        ("One hundred thousand troops were massed.", "100,000 troops were massed."),
        ("Half a million people fled the city.", "500,000 people fled the city."),
        ("Two dozen journalists were detained.", "Police detained 24 journalists."),
        ("The package is worth $1.5 million.", "The package is worth 1,500,000 dollars."),
        ("The fund raised €40m.", "The fund raised 40 million euros."),
        ("Unemployment fell to 3.5 percent.", "Unemployment fell to 3.5%."),
        ("The ministry said 3 in 10 adults smoke.", "30% of adults smoke, the ministry said."),
        ("The flight lasted about 90 minutes.", "The flight took an hour and a half."),
        ("The probe is about a million miles from Earth.", "The probe is about 1.6 million kilometres from Earth."),
        ("The wall is 3 metres high.", "The wall is 300 cm high."),
    ],
)
def test_ways_of_writing_a_figure_agree(claim: str, evidence: str) -> None:
    """Separators, scales, number words, dozens, money, percentages, ratios and units are read as values."""
    assert one("number", claim, evidence).status == "agrees"


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("Russia massed 100,000 forces.", "Russia massed 100,000 soldiers."),
        ("Russia massed 100,000 troops.", "Russia deployed 100,000 military personnel."),
        ("Two dozen journalists were detained.", "Police detained 24 reporters."),
        ("At least 20 people died in the fire.", "At least 20 deaths were confirmed in the fire."),
    ],
)
def test_unit_synonyms_are_compared(claim: str, evidence: str) -> None:
    """Troops, forces, soldiers and personnel (and other synonyms) count as the same thing."""
    assert one("number", claim, evidence).status == "agrees"


def test_unrelated_numbers_are_not_a_difference() -> None:
    """A figure about something else is reported as missing a comparison, never as a difference."""
    check = one("number", "The army has 100,000 troops.", "The army ordered 200 tanks and 50 helicopters.")
    assert check.status == "missing" and check.evidence_span is None
    city = checks_of("number", "The city has 2 million residents.",
                     "The city's budget is $2 billion and it welcomes 400,000 visitors a year.")
    assert [c.status for c in city] == ["missing"]


def test_the_matching_figure_is_found_among_others() -> None:
    """With several figures in the evidence, the one about the same thing decides."""
    checks = checks_of("number", "Inflation hit 6 percent, while unemployment was 4 percent.",
                       "Inflation reached 7% and unemployment stood at 4 percent.")
    assert [c.status for c in checks] == ["differs", "agrees"]
    assert "7%" in checks[0].detail


def test_different_currencies_differ() -> None:
    """The same amount in another currency is a difference."""
    check = one("number", "The fund raised €40m.", "The fund raised £40 million.")
    assert check.status == "differs" and "currency" in check.detail


def test_years_are_dates_not_quantities() -> None:
    """"in 2021" is a date, "2000 employees" a quantity."""
    checks = compare("The company was founded in 1998 and has 2000 employees.",
                     "Founded in 1998, the company has 2,000 staff.")
    assert [(c.kind, c.status) for c in checks if c.kind in ("number", "date")] == [
        ("date", "agrees"), ("number", "agrees")]



@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("They counted 127,000.", 127_000),
        ("They counted 100 000.", 100_000),
        ("It cost 1.5 million.", 1_500_000),
        ("It cost €40m.", 40_000_000),
        ("Two dozen came.", 24),
        ("One hundred and twenty thousand came.", 120_000),
        ("Twenty-seven thousand came.", 27_000),
        ("Half a million came.", 500_000),
        ("Twelve and a half came.", 12.5),
    ],
)
def test_figures_are_read_as_values(text: str, value: float) -> None:
    """Digits with separators and scales, currency shorthands and number words give the figure's value."""
    figures = find_figures(Text(text, None))
    assert [f.value for f in figures] == [value]


def test_figures_skip_dates_identifiers_and_statistics() -> None:
    """A year, a "phase 3" and a p-value are not figures; a range is one figure with both ends."""
    assert find_figures(Text("In 2021, phase 3 of the trial ended (P = 0.03).", None)) == []
    (figure,) = find_figures(Text("Between 169,000 and 190,000 troops.", None))
    assert (figure.lo, figure.hi) == (169_000, 190_000)


def test_quantities_carry_unit_group_and_range() -> None:
    """"about 100,000 soldiers" is a troops quantity of ±10%, widened by the ±5% a round figure implies."""
    (q,) = quantities_in(Text("Russia massed about 100,000 soldiers near the border.", None))
    assert q.group == "troops" and q.text == "about 100,000 soldiers"
    assert (q.lo, q.hi) == (pytest.approx(85_000), pytest.approx(115_000))
