"""`compare` on the labelled pairs: spans that index the texts, the accuracy targets, speed,
and odd inputs that must never raise."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from checker.compare import compare
from checker.compare.text import analyse
from checker.evaluate.compare_flags import judge, score
from tests.compare.helpers import PAIRS, load_pairs
from tests.conftest import SHARED, shared_or_skip


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


def test_expected_spans_quote_the_texts() -> None:
    """Every expected flag's spans lie in its texts and cut out the words its quotes name."""
    for pair in load_pairs():
        for x in pair["expected"]:
            assert 0 <= x["claim_start"] < x["claim_end"] <= len(pair["claim"]), (pair["id"], x)
            assert pair["claim"][x["claim_start"]:x["claim_end"]] == x["claim_quote"], (pair["id"], x)
            spans = [x, *x.get("evidence_alternatives", [])]
            if x["evidence_start"] is None:
                assert x["status"] == "missing" and len(spans) == 1, (pair["id"], x)
                continue
            for s in spans:
                assert 0 <= s["evidence_start"] < s["evidence_end"] <= len(pair["evidence"]), (pair["id"], s)
                assert pair["evidence"][s["evidence_start"]:s["evidence_end"]] == s["evidence_quote"], (pair["id"], s)


def test_labelled_pairs_are_well_formed() -> None:
    """At least 150 pairs by the rules' author and 40 by a second labeller from SciFact and FNC-1
    rows (each with its row id); known kinds and statuses; every third pair of each source and
    labeller held out."""
    pairs = load_pairs()
    authors = [p for p in pairs if p["labeller"] == "rules author"]
    second = [p for p in pairs if p["labeller"] == "second labeller"]
    assert len(authors) >= 150 and len(second) >= 40 and len(authors) + len(second) == len(pairs)
    assert {p["source"] for p in authors} == {"demo", "scifact", "constructed"}
    assert {p["source"] for p in second} == {"scifact", "fnc1"}
    assert all(p["row_id"] for p in second) and len({p["row_id"] for p in second}) == len(second)
    assert len({p["id"] for p in pairs}) == len(pairs)
    for p in pairs:
        for flag in p["expected"]:
            assert flag["kind"] in ("number", "date", "name", "negation")
            assert flag["status"] in ("differs", "missing")
        assert (p["scifact_label"] is not None) == (p["source"] == "scifact")
    for who in (authors, second):
        for source in {p["source"] for p in who}:
            splits = [p["split"] for p in who if p["source"] == source]
            assert splits == ["holdout" if i % 3 == 2 else "tune" for i in range(len(splits))], source


@pytest.mark.shared
def test_second_labellers_pairs_are_the_rows_they_name() -> None:
    """Each second-labeller pair carries the claim and evidence of the stance row its row_id names."""
    rows = {}
    for name in ("scifact-train.jsonl", "fnc1-train.jsonl"):
        path = shared_or_skip(SHARED / "data" / "stance" / name)
        with path.open(encoding="utf-8") as fh:
            rows.update((r["id"], r) for r in map(json.loads, fh))
    for p in load_pairs():
        if p["labeller"] == "second labeller":
            row = rows[p["row_id"]]
            assert (p["claim"], p["evidence"]) == (row["claim"], row["evidence"]), p["id"]


def test_rules_authors_pairs_meet_the_targets() -> None:
    """Acceptance: on the rules author's pairs, "differs" flags for numbers and dates that point
    at the labelled spans reach precision 0.9 and recall 0.8 (bench/compare_quality.py reports
    the second labeller's pairs, where they do not)."""
    result = score(p for p in load_pairs() if p["labeller"] == "rules author")
    for flag in ("number/differs", "date/differs"):
        row = result["flags"][flag]
        assert row["precision"] >= 0.9 and row["recall"] >= 0.8, (flag, row)


def test_issue_27_pairs_get_exactly_their_labelled_flags() -> None:
    """The labelled pairs of issue 27 item 6 (negation scope, orders of magnitude, results, counts
    of one event) and the relabelled demo-013: every flag points at a labelled one and none is missed."""
    pairs = [p for p in load_pairs() if "issue 27" in p["origin"] or p["id"] == "demo-013"]
    assert len(pairs) == 11
    for pair in pairs:
        j = judge(pair)
        assert len(j.matched) == len(j.found) == len(j.wanted), (pair["id"], j.found, j.wanted)


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
