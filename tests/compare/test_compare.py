"""`compare` on the labelled pairs: spans that index the texts, the accuracy targets, speed,
and odd inputs that must never raise."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from checker.compare import Check, compare
from checker.compare.text import analyse
from tests.compare.helpers import PAIRS, load_pairs


def test_spans_index_the_texts() -> None:
    """Every span of every labelled pair lies inside its text, and the checks come in claim order."""
    for pair in load_pairs():
        checks = compare(pair["claim"], pair["evidence"], claim_date=pair["claim_date"],
                         evidence_date=pair["evidence_date"])
        assert [c.claim_span[0] for c in checks] == sorted(c.claim_span[0] for c in checks)
        for c in checks:
            assert 0 <= c.claim_span[0] < c.claim_span[1] <= len(pair["claim"]), (pair["id"], c)
            if c.evidence_span is not None:
                assert 0 <= c.evidence_span[0] < c.evidence_span[1] <= len(pair["evidence"]), (pair["id"], c)


def test_labelled_pairs_are_well_formed() -> None:
    """The labelled set has at least 150 pairs from the three sources, with known kinds and statuses."""
    pairs = load_pairs()
    assert len(pairs) >= 150
    assert {p["source"] for p in pairs} == {"demo", "scifact", "constructed"}
    assert len({p["id"] for p in pairs}) == len(pairs)
    for p in pairs:
        for flag in p["expected"]:
            assert flag["kind"] in ("number", "date", "name", "negation")
            assert flag["status"] in ("differs", "missing")
        assert (p["scifact_label"] is not None) == (p["source"] == "scifact")


def is_flag(check: Check) -> bool:
    """What a reviewer acts on (the same definition as bench/compare_quality.py)."""
    if check.status == "differs" or (check.status == "missing" and check.kind == "name"):
        return True
    return check.status == "missing" and check.kind == "date" and check.detail.startswith("unresolved")


def test_labelled_set_meets_the_targets() -> None:
    """Acceptance: on the labelled pairs, "differs" flags for numbers and dates reach precision 0.9 and recall 0.8."""
    tp: Counter = Counter()
    found_total: Counter = Counter()
    expected_total: Counter = Counter()
    for pair in load_pairs():
        labelled = set(pair.get("labelled") or ("number", "date", "name", "negation"))
        checks = compare(pair["claim"], pair["evidence"], claim_date=pair["claim_date"],
                         evidence_date=pair["evidence_date"])
        found = Counter(c.kind for c in checks if c.status == "differs" and c.kind in labelled)
        wanted = Counter(x["kind"] for x in pair["expected"] if x["status"] == "differs" and x["kind"] in labelled)
        for kind in ("number", "date"):
            tp[kind] += min(found[kind], wanted[kind])
            found_total[kind] += found[kind]
            expected_total[kind] += wanted[kind]
    for kind in ("number", "date"):
        precision = tp[kind] / found_total[kind]
        recall = tp[kind] / expected_total[kind]
        assert precision >= 0.9 and recall >= 0.8, (kind, precision, recall)



def test_checking_is_fast() -> None:
    """A claim against a passage takes well under a millisecond of CPU on average (generous bound: 2 ms)."""
    pairs = load_pairs()
    analyse.cache_clear()
    t0 = time.process_time()
    for pair in pairs:
        compare(pair["claim"], pair["evidence"], claim_date=pair["claim_date"], evidence_date=pair["evidence_date"])
    per_pair = (time.process_time() - t0) / len(pairs)
    assert per_pair < 0.002, per_pair


ODD_INPUTS = ["", " ", ".", "$", "€5", "100,", "1/2/3", "2022-13-45", "31/02/2022", "Jan.", "May", "no", "\"",
              "“unclosed", "½", "COVID-19", "U.S.", "-", "5-", "between 5 and", "from 60 to", "1 in 0", "per 0",
              "half a", "tens of", "next", "the same", "0 troops", "5 troops", "1,000,000,000,000,000 dollars",
              "The Of", "In 2021 the 1 in 2000"]


@pytest.mark.parametrize("claim", ODD_INPUTS)
def test_odd_inputs_do_not_break_it(claim: str) -> None:
    """Fragments, impossible dates, zeros and unclosed quotes give checks with valid spans, never an error."""
    for evidence in ODD_INPUTS:
        for check in compare(claim, evidence, claim_date="2022-01-21"):
            assert 0 <= check.claim_span[0] < check.claim_span[1] <= len(claim)


def test_data_file_is_in_the_repository() -> None:
    """The labelled pairs ship with the tests (no ../shared needed)."""
    assert Path(PAIRS).is_file()
