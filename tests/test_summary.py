"""The article summary (second walk, item 7): each claim counted once by what its evidence says,
the verdicts, and the corpus's coverage in words."""

from dataclasses import replace

from checker.summary import STATES, evidence_state, summarise
from checker.types import Hit, Passage, Suggestion

P = Passage("d#0", "d", "Russia massed 100,000 troops.", 0, 29, "Troops", date="2022-01-20")
HIT = Hit(P, 0.03, 0.6, 4.0, rank=1, relevance=0.9, stance="REFUTES")


def test_each_claim_has_one_state() -> None:
    assert evidence_state([], None) == "no relevant evidence"
    assert evidence_state([HIT], None, searched=False) == "not searched"
    assert evidence_state([HIT], Suggestion("REFUTES", 0.8, ("d#0",))) == "refuted"
    assert evidence_state([HIT], Suggestion("SUPPORTS", 0.8, ("d#0",))) == "supported"
    assert evidence_state([HIT], Suggestion("NOT_ENOUGH_INFO", 0.5)) == "not settled"
    assert evidence_state([HIT], None) == "evidence"  # no reader
    later = replace(HIT, after_article=True)
    assert evidence_state([later], None) == "only later evidence"
    assert evidence_state([later, replace(HIT, after_article=False)], Suggestion("REFUTES", 0.8)) == "refuted"


def test_counts_line_and_coverage() -> None:
    s = summarise(["refuted", "refuted", "supported", "no relevant evidence", "not searched"], verdicts=2)
    assert s.claims == 5 and [state for state, _ in s.states] == list(STATES)
    assert (s.count("refuted"), s.count("supported"), s.count("not settled")) == (2, 1, 0)
    assert s.line() == "1 supported · 2 refuted · 1 no relevant evidence · 1 not searched · 2 with a verdict"
    assert s.coverage() == "the corpus has nothing on 1 of 4 claims (1 not searched yet)"
    assert s.to_dict()["verdicts"] == 2 and s.to_dict()["states"]["refuted"] == 2
    nothing = summarise(["no relevant evidence"] * 6)
    assert nothing.coverage() == "the corpus has nothing on 6 of 6 claims" and "verdicts" not in nothing.to_dict()
    assert summarise(["refuted"] * 3).coverage() == "the corpus has relevant evidence on all 3 claims searched"
    assert summarise([]).coverage() == "no claims to check" and summarise([]).line() == "no claims"
