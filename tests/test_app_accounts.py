"""Accounts in the app (AppTest, the real demo index and a real verdict database): nothing but the
sign-in form until signed in, failed sign-ins rate-limited, the queue and comments carrying the
signed-in account, exports an editor's, and a new password ending the session."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from checker.verdicts import accounts, worklog
from checker.verdicts.store import VerdictStore
from tests.conftest import ROOT
from tests.test_app import _check, _select

pytestmark = pytest.mark.model
ARTICLE = "Officials said 100,000 troops were massed near the border on Friday."


@pytest.fixture
def home(tmp_path: Path, demo_index: Path, monkeypatch) -> VerdictStore:
    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    store = VerdictStore(f"sqlite:///{tmp_path / 'verdicts.db'}")
    accounts.add_account(store, "Bo", "battery staple", role="reviewer")
    accounts.add_account(store, "Ada", "correct horse", role="editor")
    return store


def _app(cookie: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    if cookie:
        at.session_state["session_cookie"] = cookie
    return at.run()


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    return at.button(key="FormSubmitter:sign_in_form-Sign in").click().run()


def test_only_the_sign_in_form_until_signed_in(home: VerdictStore) -> None:
    at = _app(reviewer="Mallory")
    assert [t.value for t in at.title] == ["Sign in"] and not at.text_area and not at.radio
    for _ in range(accounts.MAX_FAILURES):
        _sign_in(at, "Bo", "wrong password")
        assert [e.value for e in at.error] == ["Not signed in: wrong name or password."]
    _sign_in(at, "Bo", "battery staple")  # the right password, too late
    assert "too many failed sign\\-ins" in at.error[0].value and not at.text_area
    _sign_in(at, "Ada", "correct horse")  # another name is not held up
    assert not at.error and at.text_area(key="article") is not None
    assert "reviewer" not in at.query_params and at.session_state["account"].name == "Ada"


def test_the_queue_and_comments_carry_the_account(home: VerdictStore) -> None:
    _, cookie = accounts.sign_in(home, "Bo", "battery staple")
    at = _app(cookie)
    assert any("Signed in as **Bo** (reviewer)" in m.value for m in at.sidebar.markdown)
    assert not [t for t in at.sidebar.text_input if t.label == "Your name"]
    _check(at, ARTICLE)
    cid = _select(at, "100,000 troops")
    assert at.selectbox(key=f"assignee_{cid}").options == ["nobody", "Ada", "Bo"]  # accounts, not typed names
    at.button(key=f"assign_me_{cid}").click().run()
    assert worklog.claim_status(home, cid) == ("in review", "Bo")
    at.selectbox(key=f"assignee_{cid}").set_value("Ada")
    at.button(key=f"save_status_{cid}").click().run()
    assert worklog.claim_status(home, cid)[1] == "Ada"
    at.text_area(key=f"comment_{cid}").input("Which border?")
    at.button(key=f"add_comment_{cid}").click().run()
    assert [(c.author, c.text) for c in worklog.comment_list(home, cid)] == [("Bo", "Which border?")]

    # exports are an editor's
    home.save_verdict(cid, label="Supported", reviewer="Ada")
    at.radio(key="page").set_value("Review").run()
    assert not at.get("download_button") and any("editor" in i.value for i in at.info)
    _, editor = accounts.sign_in(home, "Ada", "correct horse")
    review = _app(editor)
    review.radio(key="page").set_value("Review").run()
    assert len(review.get("download_button")) == 2

    # a new password ends the session at the next step
    accounts.set_password(home, "Bo", "a new password")
    at.radio(key="page").set_value("Check").run()
    assert [t.value for t in at.title] == ["Sign in"] and "account" not in at.session_state


def test_sign_out_ends_the_session(home: VerdictStore) -> None:
    _, cookie = accounts.sign_in(home, "Bo", "battery staple")
    at = _app(cookie)
    at.button(key="sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert accounts.session_account(home, cookie) is None
    assert [t.value for t in _app(cookie).title] == ["Sign in"]  # the cookie opens nothing now


def test_no_account_means_the_one_local_user(tmp_path: Path, demo_index: Path, monkeypatch) -> None:
    (tmp_path / "index").symlink_to(demo_index)
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    at = _app(reviewer="Ada Lovelace")
    assert not [t for t in at.title if t.value == "Sign in"]
    assert at.sidebar.text_input[0].label == "Your name" and at.sidebar.text_input[0].value == "Ada Lovelace"


def test_a_database_that_does_not_answer_is_one_error(tmp_path: Path, monkeypatch) -> None:
    """Whether anyone must sign in is in the database: when it cannot be opened, the page says so
    (st.error, no traceback) and shows nothing else."""
    monkeypatch.setenv("CHECKER_HOME", str(tmp_path))
    monkeypatch.setenv("CHECKER_DB", "postgresql+psycopg://nobody@127.0.0.1:9/none")  # nothing listens on 9
    at = _app()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("The verdict database cannot be opened")
    assert not at.text_area and not at.radio


def test_changing_the_password_in_the_app_ends_every_session(home: VerdictStore) -> None:
    _, elsewhere = accounts.sign_in(home, "Bo", "battery staple")  # another browser's session
    _, cookie = accounts.sign_in(home, "Bo", "battery staple")
    at = _app(cookie)
    for current, new, again, needle in [
        ("wrong password", "a new password", "a new password", "wrong name or password"),
        ("battery staple", "a new password", "another one", "differ"),
        ("battery staple", "short", "short", "too short"),
    ]:
        at.text_input(key="password_now").input(current)
        at.text_input(key="password_new").input(new)
        at.text_input(key="password_again").input(again)
        at.button(key="change_password").click().run()
        assert needle in at.sidebar.error[0].value, at.sidebar.error
        assert accounts.session_account(home, cookie) is not None  # nothing changed yet
    at.text_input(key="password_now").input("battery staple")
    at.text_input(key="password_new").input("a new password")
    at.text_input(key="password_again").input("a new password")
    at.button(key="change_password").click().run()
    assert [t.value for t in at.title] == ["Sign in"] and "password was changed" in at.info[0].value
    assert accounts.session_account(home, cookie) is None and accounts.session_account(home, elsewhere) is None
    _sign_in(at, "Bo", "a new password")
    assert at.session_state["account"].name == "Bo" and not at.error
