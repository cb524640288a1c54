"""The compare benchmark's scorer (checker/evaluate/compare_flags.py) on hand-made pairs and
checks: a flag is right only when it points at the labelled spans, and each labelled flag is
taken once."""

from __future__ import annotations

from typing import Any

from checker.compare import Check
from checker.evaluate.compare_flags import match, overlaps, points_at, score

CLAIM = "Russia massed 100,000 troops and 40 tanks near the border, Blinken said."
EVIDENCE = "Officials counted 127,000 troops and 40 tanks; 300 tanks were on their way."


def _at(text: str, words: str) -> tuple[int, int]:
    i = text.index(words)
    return i, i + len(words)


def _want(kind: str, status: str, claim: str, evidence: str | None = None,
          alternatives: tuple[str, ...] = ()) -> dict[str, Any]:
    cs, ce = _at(CLAIM, claim)
    es, ee = _at(EVIDENCE, evidence) if evidence else (None, None)
    out: dict[str, Any] = {"kind": kind, "status": status, "claim_start": cs, "claim_end": ce,
                           "evidence_start": es, "evidence_end": ee}
    if alternatives:
        out["evidence_alternatives"] = [dict(zip(("evidence_start", "evidence_end"), _at(EVIDENCE, a),
                                                 strict=True)) for a in alternatives]
    return out


def _check(kind: str, status: str, claim: str, evidence: str | None = None, detail: str = "") -> Check:
    return Check(kind, status, _at(CLAIM, claim), _at(EVIDENCE, evidence) if evidence else None, detail)


def _score(expected: list[dict[str, Any]], checks: list[Check], labelled: list[str] | None = None) -> dict:
    pair = {"id": "p", "claim": CLAIM, "evidence": EVIDENCE, "expected": expected, "labelled": labelled}
    return score([pair], run=lambda _: checks)


def _row(result: dict, flag: str = "number/differs") -> tuple[int, int, int, int]:
    r = result["flags"][flag]
    return r["tp"], r["fp"], r["fn"], r["misplaced"]


TROOPS = _want("number", "differs", "100,000 troops", "127,000 troops")


def test_a_difference_on_the_right_figures_is_a_hit() -> None:
    result = _score([TROOPS], [_check("number", "differs", "100,000 troops", "127,000 troops")])
    assert _row(result) == (1, 0, 0, 0)
    assert result["flags"]["number/differs"]["precision"] == 1.0 and result["mistakes"] == []


def test_a_difference_against_the_wrong_figure_is_a_false_positive_and_a_miss() -> None:
    """100,000 troops against "300 tanks": counting per kind took it for a hit; it is one of each error."""
    result = _score([TROOPS], [_check("number", "differs", "100,000 troops", "300 tanks")])
    assert _row(result) == (0, 1, 1, 1)
    assert result["flags"]["number/differs"]["precision"] == 0.0
    assert result["flags"]["number/differs"]["recall"] == 0.0
    assert [(m["error"], m["claim"], m["evidence"]) for m in result["mistakes"]] == [
        ("fp", "100,000 troops", "300 tanks"), ("fn", "100,000 troops", "127,000 troops")]


def test_the_wrong_claim_figure_is_a_miss() -> None:
    assert _row(_score([TROOPS], [_check("number", "differs", "40 tanks", "127,000 troops")])) == (0, 1, 1, 1)


def test_spans_need_only_overlap() -> None:
    """"100,000" and "127,000" point at the labelled "100,000 troops" and "127,000 troops"."""
    assert _row(_score([TROOPS], [_check("number", "differs", "100,000", "127,000")])) == (1, 0, 0, 0)
    assert overlaps((0, 5), (4, 9)) and not overlaps((0, 5), (5, 9))


def test_an_alternative_evidence_span_is_as_good() -> None:
    want = _want("number", "differs", "40 tanks", "40 tanks;", alternatives=("300 tanks",))
    assert _row(_score([want], [_check("number", "differs", "40 tanks", "300 tanks")])) == (1, 0, 0, 0)


def test_a_missing_name_is_matched_on_its_claim_span() -> None:
    want = _want("name", "missing", "Blinken")
    assert _row(_score([want], [_check("name", "missing", "Blinken")]), "name/missing") == (1, 0, 0, 0)
    assert _row(_score([want], [_check("name", "missing", "Russia")]), "name/missing") == (0, 1, 1, 1)


def test_each_labelled_flag_is_taken_once() -> None:
    twice = [_check("number", "differs", "100,000 troops", "127,000 troops"),
             _check("number", "differs", "100,000", "127,000")]
    assert _row(_score([TROOPS], twice)) == (1, 1, 0, 0)


def test_kind_status_and_labelled_kinds_decide_what_counts() -> None:
    """An agreeing check is no flag; a "missing" date is a flag only when unresolved; a kind the
    pair was not labelled for is left out on both sides."""
    agrees = _check("number", "agrees", "100,000 troops", "127,000 troops")
    assert _row(_score([TROOPS], [agrees])) == (0, 0, 1, 0)
    plain = _check("date", "missing", "near the border", detail="no comparable date in the evidence")
    unresolved = _check("date", "missing", "near the border", detail='unresolved: "near" (no article date)')
    assert _row(_score([], [plain]), "date/missing") == (0, 0, 0, 0)
    assert _row(_score([], [unresolved]), "date/missing") == (0, 1, 0, 0)
    name = _check("name", "missing", "Blinken")
    assert _row(_score([_want("name", "missing", "Blinken")], [name], labelled=["number", "negation"]),
                "name/missing") == (0, 0, 0, 0)


def test_matching_is_one_to_one_and_largest() -> None:
    """Flag A points at both labels, B only at the first: taking A for the first (first come)
    would leave B unmatched; the largest pairing gives A the second."""
    first = {"kind": "number", "status": "differs", "claim_start": 0, "claim_end": 10, "evidence_start": 0,
             "evidence_end": 5}
    second = dict(first, claim_start=5, claim_end=15)
    a = Check("number", "differs", (6, 8), (1, 2), "")
    b = Check("number", "differs", (0, 3), (1, 2), "")
    assert points_at(a, first) and points_at(a, second) and points_at(b, first) and not points_at(b, second)
    assert match([a, b], [first, second]) == [(0, 1), (1, 0)]
    assert not points_at(Check("date", "differs", (6, 8), (1, 2), ""), first)


def test_with_the_real_comparison() -> None:
    """The scorer's default run is `compare`: its "differs" on the troop figures and the two
    names the evidence lacks are hits; 40 tanks agrees and raises nothing."""
    names = [_want("name", "missing", "Russia"), _want("name", "missing", "Blinken")]
    pair = {"id": "p", "claim": CLAIM, "evidence": EVIDENCE, "expected": [TROOPS, *names], "labelled": None}
    result = score([pair])
    assert _row(result) == (1, 0, 0, 0) and _row(result, "name/missing") == (2, 0, 0, 0)
    pair["expected"] = [TROOPS, names[1]]  # a label short: Russia's flag is then a false positive
    assert _row(score([pair]), "name/missing") == (1, 1, 0, 0)
