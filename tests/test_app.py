"""The Streamlit app, driven headless with AppTest."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_ARTICLE, ROOT

pytestmark = pytest.mark.model


@pytest.fixture
def app(tmp_path: Path, demo_index: Path, monkeypatch) -> AppTest:
    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    return at.run()


def test_paste_and_check_shows_claims(app: AppTest) -> None:
    """Paste the demo article, press Check, and see claims with their evidence."""
    app.text_area(key="article").input(DEMO_ARTICLE.read_text(encoding="utf-8"))
    app.button(key="check").click().run()
    assert not app.exception and not app.error
    labels = [e.label for e in app.expander]
    assert any("massing 100,000 forces" in label for label in labels)
    assert any("claims, most check-worthy first" in s.value for s in app.subheader)


def test_empty_article_gives_a_clear_message(app: AppTest) -> None:
    app.button(key="check").click().run()
    assert app.error and "empty" in app.error[0].value


def test_markdown_and_html_are_shown_literally(app: AppTest) -> None:
    """Pasted markup is escaped: it reaches Markdown with every special character escaped."""
    app.text_area(key="article").input(
        "Officials said **100,000** troops <b>massed</b> near the border on Friday, the agency reported.")
    app.button(key="check").click().run()
    bodies = [m.value for m in app.markdown]
    assert any("\\*\\*100,000\\*\\*" in b and "&lt;b&gt;" in b for b in bodies)
