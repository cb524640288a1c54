"""A reviewer's day in the app (AppTest): articles that reopen from the address, the Articles
page, the work queue and comments, and the faults a new user hit (issue 14)."""

import http.server
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from checker.types import Label
from tests.conftest import DEMO_ARTICLE, ROOT
from tests.test_app import _check, _save, _select
from ui.highlight import LABEL_COLOURS

pytestmark = pytest.mark.model
DEMO = DEMO_ARTICLE.read_text(encoding="utf-8")


def _select_with_evidence(at: AppTest, needle: str) -> int:
    """Select the claim containing `needle` or, if the reader left it no evidence, the next listed
    claim that has some (the tests cite a passage)."""
    work = at.session_state["work"]
    first = _select(at, needle)
    listed = [c.claim_id for c in work.visible(at.slider(key="threshold").value)]
    for cid in [first, *(i for i in listed if i != first)]:
        at.radio(key="selected_claim").set_value(cid).run()
        if at.session_state["work"].get(cid).evidence:
            return cid
    raise AssertionError("no listed claim has evidence")


def _reload(at: AppTest, **params: str) -> AppTest:
    """A new browser session on the same server, opened at an address with these parameters."""
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        fresh.query_params[key] = value
    return fresh.run()


def test_promote_a_sentence_selects_it_without_an_error(app: AppTest) -> None:  # bug 1
    _check(app, DEMO)
    before = {c.claim_id for c in app.session_state["work"].claims}
    visible = app.session_state["work"].visible(app.slider(key="threshold").value)
    assert len(visible) < len(app.session_state["work"].sentences)
    app.selectbox(key="promote_choice").set_value(0).run()
    app.button(key="promote").click().run()
    assert not app.exception, app.exception
    work = app.session_state["work"]
    selected = app.radio(key="selected_claim").value
    assert work.get(selected).promoted and selected in {c.claim_id for c in work.claims}
    assert any('class="article"' in m.value for m in app.markdown)  # the article column is still there
    assert {c.claim_id for c in work.claims} >= before


def test_a_new_article_starts_without_the_old_details(app: AppTest) -> None:  # bug 2
    app.button(key="load_example").click().run()
    assert app.text_input(key="meta_title").value.startswith("Blinken")
    app.text_area(key="article").input("Officials said 100,000 troops massed near the border on Friday. "
                                       "The ministry confirmed the figure on Saturday.").run()
    assert [app.text_input(key=k).value for k in ("meta_title", "meta_source", "meta_date")] == ["", "", ""]
    app.button(key="check").click().run()
    work = app.session_state["work"]
    assert work.published is None and not work.title.startswith("Blinken")


def test_saving_a_new_version_updates_everything_at_once(app: AppTest) -> None:  # bugs 3, 6, 7
    _check(app, DEMO)
    cid = _select_with_evidence(app, "massing 100,000 forces")
    assert not [m for m in app.multiselect if m.key and m.key.startswith("cite_")]  # no "Select all" dropdown
    _save(app, cid, "Supported", "US estimates matched.", "Ada", cite_first=True)
    _save(app, cid, "Misleading", "Estimates grew later.", "Ada", cite_first=False)
    assert not app.exception
    text = "\n".join(m.value for m in app.markdown)
    assert "Current: **Misleading** (version 2" in text
    assert LABEL_COLOURS[Label.MISLEADING] in text  # the highlight colour
    assert any("Misleading: 1" in c.value for c in app.caption)  # the summary
    radio = app.radio(key="selected_claim")
    label = radio.options[app.session_state["work"].visible(app.slider(key="threshold").value).index(
        app.session_state["work"].get(cid))]
    assert label.startswith("🟠")  # the claims list shows the verdict
    saved = app.session_state["work"].get(cid).verdict
    assert [e.passage_id for e in saved.evidence] == [app.session_state["work"].get(cid).evidence[0].passage.passage_id]


def test_save_without_a_label_says_so(app: AppTest) -> None:  # bug 4: nothing saved must say so
    _check(app, DEMO)
    cid = _select_with_evidence(app, "massing 100,000 forces")
    app.text_input(key=f"reviewer_{cid}").input("Ada")
    app.button(key=f"FormSubmitter:verdict_form_{cid}-Save verdict").click().run()
    assert any("choose a label" in e.value for e in app.error)
    assert app.session_state["work"].get(cid).verdict is None


def test_uploaders_state_the_real_limit(app: AppTest) -> None:  # bug 5
    limit = app.get("file_uploader")[0].proto.max_upload_size_mb
    assert limit == 20, limit


def test_a_fetched_article_says_what_it_got(app: AppTest, tmp_path: Path, monkeypatch) -> None:  # bug 8
    page = ("<html><head><title>Troops at the border</title></head><body><article><h1>Troops at the border"
            "</h1><p>Officials said 100,000 troops massed near the border on Friday, the agency reported."
            "</p><p>The ministry confirmed the figure on Saturday and said talks would go on.</p>"
            "</article></body></html>")
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("CHECKER_ALLOW_PRIVATE_URLS", "1")
        app.text_input(key="article_url").input(f"http://127.0.0.1:{server.server_port}/a.html")
        app.button(key="fetch").click().run()
    finally:
        server.shutdown()
    assert not app.error, [e.value for e in app.error]
    assert any("Fetched" in s.value and "Paste tab" in s.value for s in app.success)
    assert "100,000 troops" in app.text_area(key="article").value


def test_the_address_reopens_the_article_and_claim(app: AppTest) -> None:
    """A reload (a new session at the same address) shows the same article, claim, evidence and
    verdict, from the store: nothing is checked again."""
    _check(app, DEMO)
    cid = _select_with_evidence(app, "massing 100,000 forces")
    _save(app, cid, "Refuted", "Checked.", "Ada", cite_first=True)
    assert app.query_params["article"] == str(app.session_state["work"].article_id)
    assert app.query_params["claim"] == str(cid)
    before = app.session_state["work"].get(cid)
    again = _reload(app, article=app.query_params["article"], claim=str(cid))
    assert not again.exception and not again.error
    work = again.session_state["work"]
    assert again.radio(key="selected_claim").value == cid
    assert work.get(cid).evidence == before.evidence and work.get(cid).verdict.label is Label.REFUTED
    assert "Current: **Refuted** (version 1" in "\n".join(m.value for m in again.markdown)
    assert again.text_area(key="article").value == DEMO
    bad = _reload(app, article="99999")
    assert any("No checked article" in e.value and "99999" in e.value for e in bad.error) and not bad.exception


def test_articles_page_queue_and_comments(app: AppTest) -> None:
    app.text_input(key="reviewer_name").input("Ada").run()
    assert app.query_params["reviewer"] == "Ada"
    _check(app, DEMO)
    cid = _select(app, "without a breakthrough")
    app.button(key=f"assign_me_{cid}").click().run()
    assert not app.exception
    assert app.session_state["work"].get(cid).assignee == "Ada"
    app.text_area(key=f"comment_{cid}").input("Which meeting was this?")
    app.button(key=f"add_comment_{cid}").click().run()
    assert "Which meeting was this?" in [t.value for t in app.text]
    app.toggle(key="mine_only").set_value(True).run()
    assert app.radio(key="selected_claim").options and len(app.radio(key="selected_claim").options) == 1
    app.toggle(key="mine_only").set_value(False).run()

    app.radio(key="page").set_value("Articles").run()
    assert not app.exception
    assert any("claims · 0 with a verdict" in c.value for c in app.caption)
    app.toggle(key="my_claims").set_value(True).run()
    assert any("without a breakthrough" in t.value for t in app.text)
    app.button(key=f"open_claim_{cid}").click().run()
    assert not app.exception
    assert app.radio(key="page").value == "Check" and app.radio(key="selected_claim").value == cid

    other = _reload(app, reviewer="Ada")  # the name comes back with the address
    assert other.text_input(key="reviewer_name").value == "Ada"
    other.radio(key="page").set_value("Articles").run()
    article_id = app.session_state["work"].article_id
    other.button(key=f"open_article_{article_id}").click().run()
    assert not other.exception and other.session_state["work"].article_id == article_id
    assert other.query_params["article"] == str(article_id)


def test_the_model_loads_in_the_background_and_the_page_says_so(app: AppTest) -> None:
    from ui import resources

    states = list(resources._warm.values())
    assert states, "the first page started no warm-up"
    for state in states:
        state["thread"].join(timeout=300)
    app.run()
    assert any("ready" in c.value for c in app.sidebar.caption), [c.value for c in app.sidebar.caption]
