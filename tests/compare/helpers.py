"""What the compare tests share: the labelled pairs and a way to pick the checks of one kind."""

from __future__ import annotations

import json

from checker.compare import Check, compare
from tests.conftest import ROOT

PAIRS = ROOT / "tests" / "data" / "compare_pairs.jsonl"


def load_pairs() -> list[dict]:
    with PAIRS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def checks_of(kind: str, claim: str, evidence: str, **dates: str | None) -> list[Check]:
    return [c for c in compare(claim, evidence, **dates) if c.kind == kind]


def one(kind: str, claim: str, evidence: str, **dates: str | None) -> Check:
    found = checks_of(kind, claim, evidence, **dates)
    assert len(found) == 1, found
    return found[0]
