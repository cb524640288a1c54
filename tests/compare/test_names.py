"""The name check: names found through surnames, spelling variants, aliases and acronyms, and
titles and ordinary first words left out."""

from __future__ import annotations

import pytest

from checker.compare.names import names_in
from checker.compare.text import Text
from tests.compare.helpers import checks_of


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("Blinken met Lavrov in Geneva.", "Antony Blinken and Sergei Lavrov held talks in Geneva."),
        ("Antony Blinken met Sergei Lavrov.", "Blinken and Sergey Lavrov met."),
        ("The United States warned Russia.", "Washington warned Moscow."),
        ("U.S. officials warned the Kremlin.", "American officials warned Russia."),
        ("Kyiv said Moscow was to blame.", "Kiev blamed Russia."),
        ("Ukrainian troops withdrew.", "Kyiv's forces withdrew."),
        ("NATO rejected the demands.", "The North Atlantic Treaty Organization rejected the demands."),
        ("The OSCE met in Vienna.", "The Organization for Security and Co-operation in Europe met in Vienna."),
        ("Zelensky spoke on Twitter.", "Zelenskiy wrote in a tweet."),
    ],
)
def test_names_found_through_surnames_aliases_and_acronyms(claim: str, evidence: str) -> None:
    """Surnames, spelling variants, the alias table and acronyms count as mentions."""
    checks = checks_of("name", claim, evidence)
    assert checks and all(c.status == "agrees" for c in checks), checks


def test_absent_name_is_missing() -> None:
    """A person the evidence never mentions is flagged missing, with nothing to point at in the evidence."""
    checks = checks_of("name", "Blinken met Lavrov in Geneva.", "Antony Blinken held talks in Geneva.")
    missing = [c for c in checks if c.status == "missing"]
    assert len(missing) == 1 and missing[0].evidence_span is None
    assert "Lavrov" in missing[0].detail


def test_titles_and_ordinary_first_words_are_not_names() -> None:
    """"Secretary of State" is a title and "Almost" an ordinary word, not names to look for."""
    claim = "Almost all of them agreed, Secretary of State Antony Blinken said."
    names = [claim[slice(*c.claim_span)] for c in checks_of("name", claim, "Nothing here.")]
    assert names == ["Antony Blinken"]



def test_names_in_runs_of_capitals() -> None:
    """Organisations keep their connectors, "Biden-Putin" splits in two, a headline's capitals are not names."""
    found = [n.text for n in names_in(Text("The Organization for Security and Co-operation in Europe hosted "
                                           "the Biden-Putin call.", None))]
    assert found == ["Organization for Security and Co-operation in Europe", "Biden", "Putin"]
    headline = names_in(Text("Talks End Without A Deal As Lavrov Leaves", None))
    assert headline == []
