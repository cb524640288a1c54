"""A reviewer name with no visible character is refused through the API (422 JSON) and in the app
(st.error), never stored (red team, "Who may do what", finding 6)."""

from pathlib import Path

import pytest
import requests
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_ARTICLE, ROOT
from tests.test_app import _check, _select

pytestmark = pytest.mark.model
BLANK = " \u200b "


def test_the_api_refuses_an_invisible_reviewer(api_server) -> None:
    checked = requests.post(f"{api_server.url}/v1/check", headers=api_server.auth(), timeout=300,
                            json={"text": DEMO_ARTICLE.read_text(encoding="utf-8"), "save": True})
    assert checked.status_code == 200, checked.text
    cid = checked.json()["claims"][0]["claim_id"]
    before = requests.get(f"{api_server.url}/v1/claims/{cid}", timeout=60).json()["verdicts"]  # the server is shared
    for name in (BLANK, "\u2060\ufeff", "\u200d"):
        got = requests.post(f"{api_server.url}/v1/claims/{cid}/verdicts", headers=api_server.auth(), timeout=60,
                            json={"label": "Supported", "reviewer": name})
        assert got.status_code == 422 and "no visible character" in got.json()["error"], got.text
    assert requests.get(f"{api_server.url}/v1/claims/{cid}", timeout=60).json()["verdicts"] == before


def test_the_app_refuses_an_invisible_reviewer(tmp_path: Path, demo_index: Path, monkeypatch) -> None:
    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    app.text_input(key="reviewer_name").input(BLANK).run()
    _check(app, DEMO_ARTICLE.read_text(encoding="utf-8"))
    cid = _select(app, "without a breakthrough")
    app.button(key=f"assign_me_{cid}").click().run()
    assert not app.exception and not app.success
    assert any("no visible character" in e.value for e in app.error), [e.value for e in app.error]
    assert app.session_state["work"].get(cid).assignee is None
