"""Who makes a claim (issue 24, the claimant): the rules on sentences written here, and their
accuracy on the hand-labelled news set (tests/data/claimants.md), read in place from ../shared."""

import pytest

from checker.claims.claimant import find_claimant
from tests.conftest import ROOT, SHARED, shared_or_skip

BEFORE = ("City spokeswoman Dana Whitfield spoke to reporters on Monday. Council member Omar Reyes, who chairs "
          "the budget committee, also attended. ")


@pytest.mark.parametrize(("sentence", "name", "kind", "statement"), [
    ("Reyes said the parks budget would double to 8 million dollars.", "Omar Reyes", "said",
     "the parks budget would double to 8 million dollars."),
    ("The parks budget will double, the finance ministry said on Tuesday.", "finance ministry", "said",
     "The parks budget will double"),
    ("\"We have never spent this much on trees,\" Whitfield told the Gazette.", "Dana Whitfield", "quote",
     "We have never spent this much on trees"),
    ("He said 300 trees would be planted by June.", "Omar Reyes", "pronoun", "300 trees would be planted by June."),
    ("According to the Gazette, the vote was 7-2.", "Gazette", "according_to", "the vote was 7-2."),
    ("The vote was 7-2 after a long debate.", None, "none", "The vote was 7-2 after a long debate."),
    ("It was reported that the vote was 7-2.", None, "none", "It was reported that the vote was 7-2."),
    ("Council Treasurer Ana Lopez, 54, said the fund was empty.", "Ana Lopez", "said", "the fund was empty."),
])
def test_rules_on_written_sentences(sentence: str, name: str | None, kind: str, statement: str) -> None:
    got = find_claimant(sentence, before=BEFORE, offset=len(BEFORE))
    assert (got.name, got.kind) == (name, kind)
    assert (BEFORE + sentence)[got.statement[0]:got.statement[1]] == statement


def test_accuracy_on_the_labelled_news_set() -> None:
    """Floors just under the figures measured (bench/claimants.py, RESULTS): dev 0.756, test 0.604;
    the issue's target of 0.90 is not met."""
    from checker.evaluate.claimants import load_rows, score_rows, summary

    bodies = shared_or_skip(SHARED / "data" / "stance" / "fnc1-bodies-train.jsonl")
    rows, text = load_rows(ROOT / "tests" / "data" / "claimants.jsonl", bodies)
    assert len(rows) >= 150 and {r["split"] for r in rows} == {"dev", "test"}
    dev = summary(score_rows([r for r in rows if r["split"] == "dev"], text))
    test = summary(score_rows([r for r in rows if r["split"] == "test"], text))
    assert dev["claimant_accuracy"] >= 0.72 and test["claimant_accuracy"] >= 0.57
    assert test["attributed_precision"] >= 0.95 and test["accuracy_none"] >= 0.9


def test_described_speakers_and_asides() -> None:
    """A speaker described, not named ("His former owners said"), and a name with a bracketed
    short form before its aside ("... Council (CPC), a lobby group, said")."""
    got = find_claimant("His former owners said they sold the dog in 2013.")
    assert (got.name, got.kind) == ("former owners", "said")
    got = find_claimant("Wardens said on Friday that the Parks Council (PC), a city body, said the lake was closed.")
    assert got.name == "Wardens"  # the outer speaker
    got = find_claimant("The lake was closed, Dana Whitfield (DW), a city spokeswoman, said.")
    assert got.name == "Dana Whitfield"


def test_a_role_is_the_person_the_article_names_with_it_most() -> None:
    before = ("President Ana Ruiz met President Tomas Berg in Oslo. Ruiz spoke first; Ruiz then left. "
              "Berg stayed. ")
    assert find_claimant("The president said the talks went well.", before=before).name == "Ana Ruiz"
