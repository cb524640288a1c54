"""The suggestion rule, on hand-made judged hits with a known answer."""

from __future__ import annotations

from checker.reading.suggest import Rule, suggest
from checker.types import Hit, Passage


def _hit(pid: str, relevance: float, supports: float, refutes: float) -> Hit:
    probs = {"SUPPORTS": supports, "REFUTES": refutes, "NOT_ENOUGH_INFO": 1 - supports - refutes}
    return Hit(Passage(pid, pid.split("#")[0], "text", 0, 4, pid), 0.5, 0.5, 1.0, relevance=relevance,
               stance=max(probs, key=lambda k: probs[k]), stance_probabilities=tuple(probs.items()))


def test_no_evidence_no_suggestion() -> None:
    assert suggest([]) is None


def test_refuting_passages_win_when_confident() -> None:
    s = suggest([_hit("a#0", 0.9, 0.1, 0.8), _hit("b#0", 0.8, 0.05, 0.9), _hit("c#0", 0.7, 0.6, 0.1)], Rule(0.5, 0.5))
    assert s is not None and s.label == "REFUTES" and s.evidence == ("a#0", "b#0")
    assert abs(s.confidence - 0.72) < 1e-9 and s.verdict() == "Refuted"


def test_weak_stances_give_not_enough_info() -> None:
    s = suggest([_hit("a#0", 0.6, 0.3, 0.3)], Rule(0.5, 0.5))
    assert s is not None and s.label == "NOT_ENOUGH_INFO" and s.evidence == ("a#0",)
    assert abs(s.confidence - (1 - 0.18)) < 1e-9
    assert s.to_dict() == {"label": "NOT_ENOUGH_INFO", "confidence": 0.82, "evidence": ["a#0"]}


def test_the_rule_decides_by_its_fitted_thresholds() -> None:
    """The same evidence is Refuted under a low REFUTES threshold and not enough evidence under a high one."""
    hits = [_hit("a#0", 0.8, 0.1, 0.5)]  # refutation 0.4, support 0.08
    low = suggest(hits, Rule(supports=0.5, refutes=0.3))
    high = suggest(hits, Rule(supports=0.5, refutes=0.6))
    assert low is not None and low.label == "REFUTES" and abs(low.confidence - 0.4) < 1e-9
    assert high is not None and high.label == "NOT_ENOUGH_INFO"
    tie = suggest([_hit("a#0", 1.0, 0.4, 0.4)], Rule(0.3, 0.3))
    assert tie is not None and tie.label == "REFUTES"  # a tie goes to the refutation


def test_each_passage_is_named_once() -> None:
    """A passage that appears twice among the hits is named once in the suggestion."""
    s = suggest([_hit("a#0", 0.9, 0.9, 0.0), _hit("a#0", 0.9, 0.9, 0.0), _hit("b#1", 0.9, 0.8, 0.0)], Rule(0.5, 0.5))
    assert s is not None and s.label == "SUPPORTS" and s.evidence == ("a#0", "b#1")


def test_fit_rule_finds_thresholds_that_separate_hand_made_claims(tmp_path) -> None:
    """Claims whose refutation is 0.3 are REFUTES, support 0.6 SUPPORTS, and weak ones NEI: the fitted rule
    separates them (macro-F1 1.0), its CV too, and the file reader rejects a line that is not a record."""
    import json

    import pytest

    from checker.errors import InputError
    from checker.training.suggestion import cross_validate_rule, fit_rule, load_items

    rows = []
    for i in range(10):
        rows.append({"claim": f"r{i}", "gold": "REFUTES", "evidence": [
            {"relevance": 0.6, "stance": {"SUPPORTS": 0.1, "REFUTES": 0.5, "NOT_ENOUGH_INFO": 0.4}}]})
        rows.append({"claim": f"s{i}", "gold": "SUPPORTS", "evidence": [
            {"relevance": 0.8, "stance": {"SUPPORTS": 0.75, "REFUTES": 0.05, "NOT_ENOUGH_INFO": 0.2}},
            {"relevance": 0.9, "stance": {"SUPPORTS": 0.1, "REFUTES": 0.9, "NOT_ENOUGH_INFO": 0.0},
             "after_article": True}]})  # a later passage never counts
        rows.append({"claim": f"n{i}", "gold": "NOT_ENOUGH_INFO", "evidence": [
            {"relevance": 0.5, "stance": {"SUPPORTS": 0.3, "REFUTES": 0.1, "NOT_ENOUGH_INFO": 0.6}}]})
        rows.append({"claim": f"e{i}", "gold": "NOT_ENOUGH_INFO", "evidence": []})
    path = tmp_path / "verdicts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = load_items(path)
    rule, f1 = fit_rule(items)
    assert f1 == 1.0 and rule.refutes <= 0.3 and 0.15 < rule.supports <= 0.6
    assert cross_validate_rule(items, [i.claim for i in items])["macro_f1"] == 1.0
    path.write_text('{"claim": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=":1: not an `eval verdicts --out` line"):
        load_items(path)


def test_rerank_uses_the_rule_beside_the_readers_own_weights(tmp_path) -> None:
    """A reader loaded from another folder suggests by the rule in that folder's reader.json, not the shipped one."""
    import json

    import numpy as np

    from checker.reading.model import ReaderScores
    from checker.reading.rerank import rerank

    class Scorer:
        floor = 0.5

        def __init__(self, folder):
            self.folder = folder

        def score(self, claims, passages, *, dense=None, batch_size=32):
            return ReaderScores(np.array([0.9] * len(claims)), np.array([[0.1, 0.5, 0.4]] * len(claims)))

    (tmp_path / "reader.json").write_text(json.dumps({"suggestion": {"supports": 0.9, "refutes": 0.9}}))
    hits = [[_hit("a#0", 0.0, 0.0, 0.0)]]
    strict = rerank(Scorer(tmp_path), ["claim"], hits, top_k=3)[0].suggestion
    assert strict is not None and strict.label == "NOT_ENOUGH_INFO"  # refutation 0.45 is under 0.9
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "reader.json").write_text(json.dumps({"suggestion": {"supports": 0.4, "refutes": 0.4}}))
    loose = rerank(Scorer(tmp_path / "other"), ["claim"], hits, top_k=3)[0].suggestion
    assert loose is not None and loose.label == "REFUTES"
