"""The reader in the product: `check --json` and the app show relevance, stance and the
suggestion, and the relevance floor's empty state ("No relevant evidence in the corpus")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from checker.reading.model import DEFAULT_DIR, LABELS, ReaderScores
from checker.reading.suggest import shipped_rule
from tests.conftest import ROOT
from tests.test_cli import run_cli

pytestmark = pytest.mark.model

ONTOPIC = "Russia has massed about 100,000 troops near its border with Ukraine, US officials said on Wednesday."
OFFTOPIC = "The vaccine campaign reached 41 percent of adults in the region by March, health officials said."


@pytest.fixture(scope="module")
def home(tmp_path_factory, demo_index: Path) -> Path:
    home = tmp_path_factory.mktemp("home")
    (home / "index").symlink_to(demo_index)
    return home


def _check(home: Path, text: str, **env: str) -> dict:
    out = run_cli("check", "-", "--json", home=home, stdin=text.encode(), env_extra=env)
    assert out.returncode == 0, out.stderr.decode()
    (claim,) = json.loads(out.stdout)["claims"]
    return claim


def test_evidence_carries_relevance_stance_and_the_claim_a_suggestion(home: Path) -> None:
    """With the shipped reader, whatever its weights: the on-topic claim's evidence holds a
    passage with a troop figure; relevance splits the evidence (at or above the reader's floor)
    from the weaker matches (below it); each stance label is its most probable one; the fused
    order is kept; and the suggestion is what checker/reading/suggest.py's shipped rule makes of the evidence."""
    floor = json.loads((DEFAULT_DIR / "reader.json").read_text(encoding="utf-8"))["floor"]
    claim = _check(home, ONTOPIC)
    evidence, weaker = claim["evidence"], claim["weaker_matches"]
    assert any(w in e["text"].lower() for e in evidence for w in ("troops", "forces", "soldiers")), evidence
    assert all(e["relevance"] >= floor - 1e-6 for e in evidence) and all(w["relevance"] < floor + 1e-6 for w in weaker)
    for ev in evidence + weaker:
        probs = ev["stance"]["probabilities"]
        assert set(probs) == set(LABELS) and abs(sum(probs.values()) - 1) < 1e-4
        assert ev["stance"]["label"] == max(probs, key=lambda k: probs[k])
    fused = [ev["score"] for ev in evidence]
    assert fused == sorted(fused, reverse=True)  # the fused order is kept (checker/reading/rerank.py)
    best = {lab: max(e["relevance"] * e["stance"]["probabilities"][lab] for e in evidence)
            for lab in ("SUPPORTS", "REFUTES")}
    s = claim["suggestion"]
    label = shipped_rule().decide(best["SUPPORTS"], best["REFUTES"])  # the rule fitted on claim labels
    assert s["label"] == label
    if label == "NOT_ENOUGH_INFO":
        assert s["confidence"] == pytest.approx(1 - max(best.values()), abs=1e-5)
        assert s["evidence"] == list(dict.fromkeys(e["passage_id"] for e in evidence))
    else:
        assert s["confidence"] == pytest.approx(best[label], abs=1e-5) and s["evidence"]


class MarkerScorer:
    """A hand-made reader: relevance 0.9 for a passage that mentions troops, else 0.2; a
    passage with "127,000" refutes (0.8), any other troop passage supports (0.7)."""

    floor = 0.5

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[str]]] = []

    def score(self, claims: Sequence[str], passages: Sequence[str], *, dense: Sequence[float] | None = None,
              batch_size: int = 32) -> ReaderScores:
        self.calls.append((list(claims), list(passages)))
        relevance = np.array([0.9 if "troops" in p else 0.2 for p in passages])
        stance = np.array([(0.1, 0.8, 0.1) if "127,000" in p else (0.7, 0.1, 0.2) if "troops" in p
                           else (0.1, 0.1, 0.8) for p in passages])
        return ReaderScores(relevance, stance)


def test_the_reader_path_with_a_hand_made_scorer(tmp_path: Path, tiny_docs, hash_embedder) -> None:
    """The check's JSON shows exactly what the scorer said: one batch for the claim's candidates,
    the troop passage as evidence with relevance 0.9 and REFUTES, the rest as weaker matches
    with no checks, and the suggestion REFUTES at 0.9 x 0.8 citing the troop passage."""
    from checker.evidence.index import build_index, load_index
    from checker.evidence.retrieve import Retriever
    from checker.pipeline import check_article

    build_index(tiny_docs, hash_embedder, tmp_path / "idx")
    retriever = Retriever(load_index(tmp_path / "idx"), hash_embedder)
    scorer = MarkerScorer()
    (claim,) = check_article(ONTOPIC, retriever=retriever, top_k=5, reader=scorer).to_dict()["claims"]
    (call,) = scorer.calls
    assert call[0] == [ONTOPIC] * len(call[1]) and len(call[1]) == 3  # every candidate of the tiny corpus
    (troops,) = claim["evidence"]
    assert troops["doc_id"] == "troops" and troops["relevance"] == 0.9 and troops["stance"]["label"] == "REFUTES"
    assert any(c["kind"] == "number" for c in troops["checks"])
    assert sorted(w["doc_id"] for w in claim["weaker_matches"]) == ["football", "geneva"]
    assert all(w["relevance"] == 0.2 and w["checks"] == [] for w in claim["weaker_matches"])
    assert claim["suggestion"] == {"label": "REFUTES", "confidence": 0.72, "evidence": [troops["passage_id"]]}
    floor_above = check_article(ONTOPIC, retriever=retriever, top_k=5, reader=scorer, relevance_floor=0.95)
    (report,) = floor_above.reports
    assert report.evidence == () and report.suggestion is None and len(report.weaker) == 3


def test_floor_empty_state_in_json(home: Path) -> None:
    """With nothing above the floor: no evidence, no suggestion, no checks on the weaker matches."""
    claim = _check(home, ONTOPIC, CHECKER_RELEVANCE_FLOOR="1.0")
    assert claim["evidence"] == [] and claim["suggestion"] is None
    assert claim["weaker_matches"] and all(ev["checks"] == [] for ev in claim["weaker_matches"])


def test_unrelated_claim_finds_nothing_relevant(home: Path) -> None:
    """A vaccine claim against a corpus about Ukraine diplomacy: the tuned floor keeps every
    passage out of the evidence, so no ⚠️ and no suggestion."""
    claim = _check(home, OFFTOPIC)
    assert claim["evidence"] == [] and claim["suggestion"] is None


def test_reader_can_be_switched_off(home: Path) -> None:
    claim = _check(home, ONTOPIC, CHECKER_READER="0")
    assert claim["evidence"] and claim["suggestion"] is None
    assert all(ev["relevance"] is None and ev["stance"] is None for ev in claim["evidence"])


@pytest.fixture
def app(tmp_path: Path, demo_index: Path, monkeypatch) -> AppTest:
    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def test_app_floor_empty_state(app: AppTest, monkeypatch) -> None:
    """Nothing above the floor: the claim says so and the passages sit in the weaker-matches expander."""
    monkeypatch.setenv("CHECKER_RELEVANCE_FLOOR", "1.0")
    at = app.run()
    at.text_area(key="article").input(ONTOPIC)
    at = at.button(key="check").click().run()
    assert not at.exception and not at.error
    assert any("No relevant evidence in the corpus" in i.value for i in at.info)
    assert any("Weaker matches" in e.label for e in at.expander)
    assert not any("Suggested verdict" in m.value for m in at.markdown)


def test_app_suggestion_fills_the_form_without_saving(app: AppTest) -> None:
    """The suggestion's button fills the verdict form; nothing is saved until the reviewer saves."""
    at = app.run()
    at.text_area(key="article").input(ONTOPIC)
    at = at.button(key="check").click().run()
    assert not at.exception and not at.error
    assert any("Suggested verdict" in m.value for m in at.markdown)
    assert any("Reader:" in m.value for m in at.markdown)  # the stance on an evidence card
    claim = at.session_state["work"].claims[0]
    at = at.button(key=f"suggest_{claim.claim_id}").click().run()
    assert at.radio(key=f"label_{claim.claim_id}").value == claim.suggestion.verdict()
    assert claim.verdict is None and not at.success
