"""A reviewer's day, second walk (AppTest): what the Articles page counts, the sidebar's model
status, the evidence cards' numbers, the claim list's states, and the suggestion button."""

import logging
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_ARTICLE, ROOT
from tests.test_app import _check, _save, _select

pytestmark = pytest.mark.model
DEMO = DEMO_ARTICLE.read_text(encoding="utf-8")


def test_articles_page_counts_the_claims_the_check_page_lists(app: AppTest) -> None:  # item 4
    _check(app, DEMO)
    work = app.session_state["work"]
    threshold = app.slider(key="threshold").value
    listed = work.visible(threshold)
    assert len(listed) < len(work.sentences)  # every sentence is stored; not every one is a claim
    dropped = _select(app, listed[-1].sentence)
    app.button(key=f"FormSubmitter:reword_{dropped}-Dismiss this claim").click().run()
    app.selectbox(key="promote_choice").set_value(0).run()
    app.button(key="promote").click().run()
    assert not app.exception
    work = app.session_state["work"]
    n = len(work.visible(threshold))
    assert work.get(dropped).dismissed and any(c.promoted and c.score < threshold for c in work.claims)
    assert app.markdown and any(m.value == f"#### {n} claims" for m in app.markdown)

    app.radio(key="page").set_value("Articles").run()
    assert not app.exception
    captions = [c.value for c in app.caption]
    assert any(f" · {n} claims · 0 with a verdict · {n} open" in c for c in captions), captions


def test_the_sidebar_says_ready_once_a_check_has_finished(tmp_path: Path, demo_index: Path, monkeypatch) -> None:
    """Item 9: the sidebar said "loading" after the first check was done (it was drawn before the
    check ran). Without a warm-up the model loads with the first check; then the sidebar says so."""
    from ui import resources

    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    monkeypatch.setenv("CHECKER_WARM_UP", "0")
    monkeypatch.setattr(resources, "_warm", {})  # a fresh server process: nothing loaded in the background
    monkeypatch.setattr(resources, "_checked", set(), raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert any("loads with the first check" in c.value for c in at.sidebar.caption)
    _check(at, DEMO)
    assert not at.exception and at.session_state["work"].claims
    captions = [c.value for c in at.sidebar.caption]
    assert any("✅ ready" in c for c in captions) and not any("loading" in c or "first check" in c for c in captions)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_use_the_suggestion_on_a_claim_with_a_verdict_fills_the_form_quietly(app: AppTest, monkeypatch) -> None:
    """Item 9: the suggestion button on a claim that has a verdict logged Streamlit's warning that a
    widget "was created with a default value but also had its value set via the Session State API"."""
    from streamlit.elements.lib import policies

    _check(app, DEMO)
    work = app.session_state["work"]
    claim = next(c for c in work.visible(app.slider(key="threshold").value) if c.suggestion and c.evidence)
    cid = _select(app, claim.sentence)
    _save(app, cid, "Not enough evidence", "Saved before the suggestion.", "Ada", cite_first=False)
    assert not app.exception and app.session_state["work"].get(cid).verdict is not None
    records = _Records()
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)  # Streamlit warns once per process
    policies._LOGGER.addHandler(records)
    try:
        app.button(key=f"suggest_{cid}").click().run()
    finally:
        policies._LOGGER.removeHandler(records)
    assert not app.exception
    assert not [m for m in records.messages if "Session State API" in m], records.messages
    s = app.session_state["work"].get(cid).suggestion
    assert app.radio(key=f"label_{cid}").value == s.verdict()
    assert app.text_area(key=f"note_{cid}").value.startswith("Reader's suggestion")
    cited = {pid for pid in s.evidence}
    for h in app.session_state["work"].get(cid).evidence:
        assert app.checkbox(key=f"cite_{cid}_{h.passage.passage_id}").value == (h.passage.passage_id in cited)


def test_evidence_cards_are_numbered_as_shown(app: AppTest) -> None:  # item 9
    """The reader drops passages, so search ranks have gaps (3, 5, 6...); the cards and the
    verdict form's checkboxes count 1..n in the order shown."""
    _check(app, DEMO)
    work = app.session_state["work"]
    gapped = [c for c in work.visible(app.slider(key="threshold").value)
              if c.evidence and [h.rank for h in c.evidence] != list(range(1, len(c.evidence) + 1))]
    assert gapped, "no listed claim of the demo has a gap in its search ranks"
    cid = _select(app, gapped[0].sentence)
    evidence = app.session_state["work"].get(cid).evidence
    titles = [m.value for m in app.markdown if re.match(r"^\*\*\d+\. ", m.value)]
    assert [int(re.match(r"^\*\*(\d+)\. ", t).group(1)) for t in titles] == list(range(1, len(evidence) + 1))
    boxes = [app.checkbox(key=f"cite_{cid}_{h.passage.passage_id}").label for h in evidence]
    assert [b.split(".", 1)[0] for b in boxes] == [str(n) for n in range(1, len(evidence) + 1)]


STATES = ("✅ verdict: ", "❌ verdict: ", "🟠 verdict: ", "❔ verdict: ", "➖ verdict: ", "👍 supported", "👎 refuted",
          "🤷 not settled", "🚫 no relevant evidence", "⏱ only later evidence", "📄 evidence", "⏳ not searched yet")


def test_the_claim_list_says_each_claims_state_in_words(app: AppTest) -> None:  # item 7
    """Every listed claim starts with an icon and words, not a colour; a verdict shows as such, and
    an article dated before all of the corpus has only later evidence."""
    app.text_area(key="article").input(DEMO).run()
    app.text_input(key="meta_date").input("1990-01-01")
    app.button(key="check").click().run()
    assert not app.exception and app.session_state["work"].published == "1990-01-01"
    work = app.session_state["work"]
    listed = work.visible(app.slider(key="threshold").value)
    labels = app.radio(key="selected_claim").options
    assert len(labels) == len(listed) and all(label.startswith(STATES) for label in labels), labels
    later = [c for c in listed if c.evidence and all(h.after_article for h in c.evidence)]
    assert later and all(labels[listed.index(c)].startswith("⏱ only later evidence") for c in later)
    cid = _select(app, listed[0].sentence)
    _save(app, cid, "Misleading", "Dated later.", "Ada", cite_first=False)
    assert app.radio(key="selected_claim").options[0].startswith("🟠 verdict: Misleading · ")
