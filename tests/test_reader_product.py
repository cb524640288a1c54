"""The reader in the product: `check --json` and the app show relevance, stance and the
suggestion, and the relevance floor's empty state ("No relevant evidence in the corpus")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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
    """Every evidence object has a relevance in [0, 1] and a stance with probabilities; an
    on-topic claim gets evidence above the floor and a suggestion citing some of it."""
    claim = _check(home, ONTOPIC)
    assert claim["evidence"], claim["weaker_matches"]
    for ev in claim["evidence"] + claim["weaker_matches"]:
        assert 0.0 <= ev["relevance"] <= 1.0
        assert ev["stance"]["label"] in {"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"}
        probs = ev["stance"]["probabilities"]
        assert set(probs) == {"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"} and abs(sum(probs.values()) - 1) < 1e-4
    fused = [ev["score"] for ev in claim["evidence"]]
    assert fused == sorted(fused, reverse=True)  # the fused order is kept (checker/reading/rerank.py)
    s = claim["suggestion"]
    assert s is not None and 0.0 <= s["confidence"] <= 1.0
    assert set(s["evidence"]) <= {ev["passage_id"] for ev in claim["evidence"]}


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
