"""A reviewer's day, second walk (AppTest): what the Articles page counts, the sidebar's model
status, the evidence cards' numbers, the claim list's states, and the suggestion button."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_ARTICLE, ROOT
from tests.test_app import _check, _select

pytestmark = pytest.mark.model
DEMO = DEMO_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def app(tmp_path: Path, demo_index: Path, monkeypatch) -> AppTest:
    """The app with the real demo index and a fresh, empty verdict database."""
    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()


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
