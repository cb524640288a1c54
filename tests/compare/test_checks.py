"""What a comparison returns: checks that serialise to the JSON fields, count by kind and
status, and say which of them a reviewer should act on."""

from __future__ import annotations

import json

import pytest

from checker.compare import KINDS, STATUSES, Check, compare, summary


def test_to_dict_has_the_json_fields() -> None:
    """Each check serialises to the fields the JSON output and the UI use, evidence offsets nullable."""
    checks = compare("Blinken met Lavrov on 21 January 2022.", "Antony Blinken held talks.")
    rows = [c.to_dict() for c in checks]
    assert rows and all(set(r) == {"kind", "status", "claim_start", "claim_end", "evidence_start", "evidence_end",
                                   "detail"} for r in rows)
    assert any(r["evidence_start"] is None and r["evidence_end"] is None for r in rows)
    json.dumps(rows)
    counts = summary(checks)
    assert counts["name"]["missing"] == 1 and counts["name"]["agrees"] == 1



@pytest.mark.parametrize(
    ("kind", "status", "detail", "flag"),
    [
        ("number", "differs", "claim 5 vs evidence 6", True),
        ("number", "missing", "no comparable figure in the evidence", False),
        ("date", "missing", "no comparable date in the evidence", False),
        ("date", "missing", "unresolved: \"Friday\" (no article date)", True),
        ("name", "missing", "Lavrov is not mentioned in the evidence", True),
        ("negation", "agrees", "both negate \"deal\"", False),
    ],
)
def test_is_flag(kind: str, status: str, detail: str, flag: bool) -> None:
    """Differences, missing names and unresolved dates are flags; a figure or date with nothing to compare is not."""
    assert Check(kind, status, (0, 1), None, detail).is_flag() is flag


def test_summary_counts_every_kind_and_status() -> None:
    """The summary has a zero for every kind and status that did not occur."""
    counts = summary([Check("name", "agrees", (0, 1), (0, 1), ""), Check("name", "agrees", (2, 3), (2, 3), "")])
    assert set(counts) == set(KINDS) and all(set(row) == set(STATUSES) for row in counts.values())
    assert counts["name"]["agrees"] == 2 and sum(sum(row.values()) for row in counts.values()) == 2
