"""The Streamlit app, driven headless with AppTest: every page, and the verdict round trip."""


import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_ARTICLE

pytestmark = pytest.mark.model


def _check(at: AppTest, text: str) -> AppTest:
    at.text_area(key="article").input(text)
    return at.button(key="check").click().run()


def _select(at: AppTest, needle: str) -> int:
    work = at.session_state["work"]
    claim_id = next(c.claim_id for c in work.claims if needle in c.sentence)
    at.radio(key="selected_claim").set_value(claim_id).run()
    return claim_id


def _save(at: AppTest, claim_id: int, label: str, note: str, reviewer: str, cite_first: bool) -> None:
    at.radio(key=f"label_{claim_id}").set_value(label)
    at.text_area(key=f"note_{claim_id}").input(note)
    if cite_first:
        evidence = at.session_state["work"].get(claim_id).evidence
        at.checkbox(key=f"cite_{claim_id}_{evidence[0].passage.passage_id}").check()
    at.text_input(key=f"reviewer_{claim_id}").input(reviewer)
    at.button(key=f"FormSubmitter:verdict_form_{claim_id}-Save verdict").click().run()


def test_empty_state_then_check(app: AppTest) -> None:
    """Before checking, the page explains what to do; after, the demo claims are listed."""
    assert any("press **Check**" in i.value for i in app.info)
    _check(app, DEMO_ARTICLE.read_text(encoding="utf-8"))
    assert not app.exception and not app.error
    work = app.session_state["work"]
    top = [c.sentence for c in work.visible(app.slider(key="threshold").value)][:6]  # "breakthrough" is 6th
    assert any("massing 100,000 forces" in s for s in top) and any("breakthrough" in s for s in top)
    labels = app.radio(key="selected_claim").options
    assert len(labels) == len(work.visible(app.slider(key="threshold").value))
    assert any("Ukraine" in label for label in labels[:5])
    assert any('class="claim"' in m.value for m in app.markdown)  # the highlighted article


def test_empty_article_gives_a_clear_message(app: AppTest) -> None:
    app.button(key="check").click().run()
    assert app.error and "empty" in app.error[0].value


def test_markup_is_shown_literally(app: AppTest) -> None:
    """Pasted HTML and Markdown are escaped everywhere they are shown."""
    _check(app, "Officials said **100,000** troops <b>massed</b> near the border on Friday, "
                "the agency reported. <script>alert(1)</script> More text follows here.")
    html = "\n".join(m.value for m in app.markdown)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;" in html


def test_verdict_saved_edited_reviewed_and_exported(app: AppTest) -> None:
    """Save a verdict, edit it into a second version, and find both on the Review page."""
    _check(app, DEMO_ARTICLE.read_text(encoding="utf-8"))
    cid = _select(app, "massing 100,000 forces")
    _save(app, cid, "Supported", "US estimates matched.", "Ada", cite_first=True)
    assert not app.exception
    assert any("Saved version 1" in s.value for s in app.success), [e.value for e in app.error]
    _save(app, cid, "Misleading", "Estimates grew later.", "Ada", cite_first=False)
    assert any("Saved version 2" in s.value for s in app.success)

    app.radio(key="page").set_value("Review").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["label"]) == ["Misleading"]
    assert "massing 100,000 forces" in table["claim"].iloc[0]
    app.toggle(key="f_all_versions").set_value(True).run()
    assert sorted(app.dataframe[0].value["version"]) == [1, 2]
    app.multiselect(key="f_labels").set_value(["Refuted"]).run()
    assert any("No verdicts match" in i.value for i in app.info)
    app.multiselect(key="f_labels").set_value([]).run()
    history = "\n".join(m.value for m in app.markdown)
    assert "v2 · Misleading" in history and "v1 · Supported" in history
    kinds = [el.type for el in app.main]
    assert app.get("download_button"), kinds


def test_corpus_page_lists_documents_and_manifest(app: AppTest) -> None:
    app.radio(key="page").set_value("Corpus").run()
    assert not app.exception
    assert app.metric[0].value == "60" or int(app.metric[0].value) >= 30
    assert "geneva" in " ".join(app.dataframe[0].value["doc_id"]).lower()


def test_check_every_sentence_switch(app: AppTest) -> None:
    """The switch lists every sentence as a claim, even those far below the threshold; a text of
    one sentence is checked whole without it."""
    text = ("Russia has massed 100,000 troops near the border, officials said. The weather was nice. "
            "What happens next? Thanks for reading.")
    _check(app, text)
    plain = app.session_state["work"]
    threshold = app.slider(key="threshold").value
    assert not plain.every_sentence and len(plain.visible(threshold)) < len(plain.sentences)
    app.toggle(key="check_all").set_value(True)
    _check(app, text)
    assert not app.exception and not app.error
    every = app.session_state["work"]
    assert every.every_sentence and len(app.radio(key="selected_claim").options) == len(every.sentences) == 4
    assert any("Every sentence is checked" in c.value for c in app.caption)
    app.toggle(key="check_all").set_value(False)
    _check(app, "Turnout in the 2019 election was 67.3 percent.")
    one = app.session_state["work"]
    assert one.every_sentence and len(app.radio(key="selected_claim").options) == 1
    assert one.claims[0].loaded and (one.claims[0].evidence or one.claims[0].weaker)


def test_long_text_loads_evidence_in_batches(app: AppTest, monkeypatch) -> None:
    """Every claim is listed; evidence comes for the first batch, then per click or when a claim is opened."""
    monkeypatch.setenv("CHECKER_EVIDENCE_BATCH", "3")
    text = " ".join(f"Officials said {n} thousand Russian troops were near the border with Ukraine on day {n}."
                    for n in range(2, 12))
    _check(app, text)
    assert not app.exception and not app.error
    work = app.session_state["work"]
    listed = work.visible(app.slider(key="threshold").value)
    assert len(listed) == len(app.radio(key="selected_claim").options) == 10
    assert sum(c.loaded for c in work.claims) == 3
    assert any("Evidence found for 3 of 10" in c.value for c in app.caption)
    app.button(key="load_more").click().run()
    assert not app.exception and sum(c.loaded for c in app.session_state["work"].claims) == 6
    last = app.session_state["work"].visible(app.slider(key="threshold").value)[-1]
    assert not last.loaded
    app.radio(key="selected_claim").set_value(last.claim_id).run()
    assert not app.exception and app.session_state["work"].get(last.claim_id).loaded
    assert app.radio(key="selected_claim").value == last.claim_id


def test_claim_cap_bounds_each_load_of_evidence(app: AppTest, monkeypatch) -> None:
    """CHECKER_MAX_CLAIMS=2 under a batch of 20: the check searches two claims, the button offers the next
    two and loads exactly two, and every claim stays listed; a sentence repeated gets its copies' evidence."""
    monkeypatch.setenv("CHECKER_MAX_CLAIMS", "2")
    text = " ".join(f"Officials said {n} thousand Russian troops were near the border with Ukraine on day {n}."
                    for n in range(2, 9))
    _check(app, text)
    assert not app.exception and not app.error
    work = app.session_state["work"]
    listed = work.visible(app.slider(key="threshold").value)
    assert len(listed) == len(app.radio(key="selected_claim").options) == 7
    assert [c.loaded for c in listed] == [True, True] + [False] * 5
    assert any("Evidence found for 2 of 7" in c.value for c in app.caption)
    assert app.button(key="load_more").label == "Load evidence for the next 2"
    app.button(key="load_more").click().run()
    assert not app.exception
    assert [c.loaded for c in app.session_state["work"].visible(app.slider(key="threshold").value)] == \
        [True] * 4 + [False] * 3
