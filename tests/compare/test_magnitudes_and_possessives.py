"""Issue 14, bugs 10 and 11: name chips without possessives, and orders of magnitude that hold
a figure rather than its rounding."""

import pytest

from checker.compare import compare

EVIDENCE = "Blinken told George Stephanopoulos on ABC that the Ukraine border was tense."


def _names(claim: str) -> list[str]:
    return [claim[c.claim_span[0]:c.claim_span[1]] for c in compare(claim, EVIDENCE) if c.kind == "name"]


def test_possessives_are_not_part_of_names() -> None:
    claim = "ABC's George Stephanopoulos asked Blinken about Ukraine's border."
    assert _names(claim) == ["ABC", "George Stephanopoulos", "Blinken", "Ukraine"]
    assert all(c.status == "agrees" for c in compare(claim, EVIDENCE) if c.kind == "name")
    assert _names("Ukraine's border was tense, Blinken said.")[0] == "Ukraine"


@pytest.mark.parametrize(("claim", "evidence", "status"), [
    ("Russia massed tens of thousands of troops near the border.", "Russia massed 100,000 troops near the border.",
     "differs"),
    ("Russia massed 100,000 troops near the border.", "Russia massed tens of thousands of troops near the border.",
     "differs"),
    ("Russia massed tens of thousands of troops near the border.",
     "Russia massed about 100,000 troops near the border.", "differs"),
    ("Russia massed 90,000 troops near the border.", "Russia massed tens of thousands of troops near the border.",
     "agrees"),
    ("Russia massed hundreds of thousands of troops near the border.",
     "Russia massed 100,000 troops near the border.", "agrees"),
])
def test_orders_of_magnitude_hold_the_figure(claim: str, evidence: str, status: str) -> None:
    (number,) = [c for c in compare(claim, evidence) if c.kind == "number"]
    assert number.status == status, number
