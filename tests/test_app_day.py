"""A reviewer's day, second walk (issue 27), more faults (AppTest): the note of a reopened
claim, the weaker matches after a save, and the article summary."""


import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_ARTICLE, ROOT
from tests.test_app import _check, _save, _select

pytestmark = pytest.mark.model
DEMO = DEMO_ARTICLE.read_text(encoding="utf-8")


def _reload(at: AppTest, **params: str) -> AppTest:
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        fresh.query_params[key] = value
    return fresh.run()


def test_a_reopened_claim_brings_its_note_back(app: AppTest) -> None:  # item 3
    _check(app, DEMO)
    cid = _select(app, "massing 100,000 forces")
    _save(app, cid, "Refuted", "The estimate was 100,000 only later.", "Ada", cite_first=False)
    assert app.session_state["work"].get(cid).verdict.note == "The estimate was 100,000 only later."
    other = next(c.claim_id for c in app.session_state["work"].visible(app.slider(key="threshold").value)
                 if c.claim_id != cid)
    app.radio(key="selected_claim").set_value(other).run()
    app.radio(key="selected_claim").set_value(cid).run()
    assert app.text_area(key=f"note_{cid}").value == "The estimate was 100,000 only later."
    again = _reload(app, article=app.query_params["article"], claim=str(cid))
    assert not again.exception
    assert again.radio(key=f"label_{cid}").value == "Refuted"
    assert again.text_area(key=f"note_{cid}").value == "The estimate was 100,000 only later."


COUNCIL = ("The city council approved a budget of 4 million dollars for parks on Tuesday. Mayor Ellen Park said "
           "300 new trees would be planted by June. The library will open two new branches in 2024, the council "
           "said.")


def _summary(at: AppTest):
    return [b.value for b in [*at.info, *at.warning] if "Summary of" in b.value]


def test_the_check_page_sums_up_the_article(app: AppTest) -> None:  # item 7
    _check(app, DEMO)
    work = app.session_state["work"]
    visible = work.visible(app.slider(key="threshold").value)
    (shown,) = _summary(app)
    refuted = sum(c.suggestion is not None and c.suggestion.label == "REFUTES" for c in visible if c.loaded)
    assert f"Summary of {len(visible)} claims" in shown and f"👎 {refuted} refuted" in shown
    assert "✍️ 0 with a verdict" in shown
    cid = _select(app, "massing 100,000 forces")
    _save(app, cid, "Refuted", "Later estimates only.", "Ada", cite_first=False)
    (shown,) = _summary(app)
    assert "✍️ 1 with a verdict" in shown
    app.sidebar.radio(key="page").set_value("Articles").run()
    assert not app.exception
    glance = [c.value for c in app.caption if "👎" in c.value]
    assert len(glance) == 1 and f"{refuted} refuted" in glance[0] and "the corpus has" in glance[0]


def test_an_article_the_corpus_does_not_cover_says_so(app: AppTest) -> None:  # item 7
    _check(app, COUNCIL)
    visible = app.session_state["work"].visible(app.slider(key="threshold").value)
    assert visible and all(not c.evidence for c in visible if c.loaded)
    (shown,) = [w.value for w in app.warning if "Summary of" in w.value]
    assert f"The corpus has nothing on {len(visible)} of {len(visible)} claims" in shown
    labels = app.radio(key="selected_claim").options
    assert all("🚫 no relevant evidence" in label for label in labels)


def test_the_claim_card_names_its_claimant(app: AppTest) -> None:  # issue 24, the claimant
    _check(app, DEMO)
    _select(app, "Lavrov told reporters")
    assert any(c.value.startswith("Claimant: **Sergei Lavrov** (says it)") for c in app.caption)
    _select(app, "Biden and Putin last met")
    assert any(c.value == "Claimant: the article (nobody is quoted)" for c in app.caption)
