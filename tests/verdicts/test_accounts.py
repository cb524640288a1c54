"""Reviewer accounts in the verdict database: hashed passwords, sessions that end, rate-limited
sign-ins, hashed API tokens that can be revoked; on SQLite and PostgreSQL, and on an older
database whose verdicts carry typed names."""

import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from checker.errors import InputError
from checker.verdicts import accounts
from checker.verdicts.accounts import SignInError
from checker.verdicts.store import VerdictStore
from tests.test_reliability import pg_url  # noqa: F401  (the fixture)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> VerdictStore:
    if request.param == "sqlite":
        return VerdictStore(f"sqlite:///{tmp_path / 'v.db'}")
    return VerdictStore(str(request.getfixturevalue("pg_url")))  # a fresh database per test


def test_passwords_are_stored_as_argon2id_hashes_only(store: VerdictStore) -> None:
    assert not accounts.has_accounts(store)
    accounts.add_account(store, "Ada", "correct horse", role="editor")
    assert accounts.has_accounts(store)
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(accounts.accounts.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert [(a.name, a.role) for a in accounts.list_accounts(store)] == [("Ada", "editor")]


@pytest.mark.parametrize(("name", "password", "role", "needle"), [
    ("Bo", "short", "reviewer", "too short"),
    (" \u200b ", "long enough", "reviewer", "no visible character"),
    ("Bo", "long enough", "admin", "unknown role"),
])
def test_bad_accounts_are_refused(store: VerdictStore, name: str, password: str, role: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        accounts.add_account(store, name, password, role=role)
    assert not accounts.has_accounts(store)


def test_a_name_is_taken_once(store: VerdictStore) -> None:
    accounts.add_account(store, "Ada", "correct horse")
    with pytest.raises(InputError, match="exists already"):
        accounts.add_account(store, "Ada", "another horse")


def test_sign_in_makes_a_session_that_sign_out_ends(store: VerdictStore) -> None:
    accounts.add_account(store, "Ada", "correct horse")
    account, cookie = accounts.sign_in(store, "Ada", "correct horse")
    assert account.role == "reviewer"
    assert accounts.session_account(store, cookie) == account
    accounts.sign_out(store, cookie)
    assert accounts.session_account(store, cookie) is None


def test_forged_and_expired_cookies_open_nothing(store: VerdictStore) -> None:
    accounts.add_account(store, "Ada", "correct horse")
    _, cookie = accounts.sign_in(store, "Ada", "correct horse")
    session_id, expires, mac = cookie.split(".")
    later = str(int(expires) + 10**6)
    assert accounts.session_account(store, f"{session_id}.{later}.{mac}") is None  # a longer life, unsigned
    assert accounts.session_account(store, f"{session_id}.{expires}.{mac[:-2]}xx") is None
    assert accounts.session_account(store, "junk") is None and accounts.session_account(store, None) is None
    assert accounts.session_account(store, cookie, clock=int(expires) + 1) is None
    assert accounts.session_account(store, cookie) is not None


def test_a_new_password_ends_every_session(store: VerdictStore) -> None:
    accounts.add_account(store, "Ada", "correct horse")
    _, one = accounts.sign_in(store, "Ada", "correct horse")
    _, two = accounts.sign_in(store, "Ada", "correct horse")
    accounts.set_password(store, "Ada", "battery staple")
    assert accounts.session_account(store, one) is None and accounts.session_account(store, two) is None
    with pytest.raises(SignInError, match="wrong name or password"):
        accounts.sign_in(store, "Ada", "correct horse")
    assert accounts.sign_in(store, "Ada", "battery staple")[0].name == "Ada"


def test_failed_sign_ins_are_rate_limited(store: VerdictStore) -> None:
    accounts.add_account(store, "Ada", "correct horse")
    t = time.time()
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(SignInError, match="wrong name or password"):
            accounts.sign_in(store, "Ada", "guess", clock=t)
    with pytest.raises(SignInError, match="too many failed sign-ins"):  # even the right password
        accounts.sign_in(store, "Ada", "correct horse", clock=t + 1)
    assert accounts.retry_after(store, "Ada", clock=t + 1) > 0
    later = t + accounts.FAILURE_WINDOW + 1
    assert accounts.sign_in(store, "Ada", "correct horse", clock=later)[0].name == "Ada"
    assert accounts.retry_after(store, "Ada", clock=later) == 0  # a success clears the count


def test_unknown_names_fail_like_wrong_passwords_and_are_limited_too(store: VerdictStore) -> None:
    t = time.time()
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(SignInError, match="wrong name or password"):
            accounts.sign_in(store, "Nobody", "guess", clock=t)
    with pytest.raises(SignInError, match="too many"):
        accounts.sign_in(store, "Nobody", "guess", clock=t)


def test_tokens_are_stored_hashed_and_can_be_revoked(store: VerdictStore) -> None:
    accounts.add_account(store, "Ada", "correct horse", role="editor")
    accounts.add_account(store, "Bo", "battery staple")
    first, ada = accounts.new_token(store, "Ada")
    _, bo = accounts.new_token(store, "Bo")
    with store.engine.connect() as conn:
        hashes = set(conn.execute(sa.select(accounts.tokens.c.token_hash)).scalars())
    assert ada not in hashes and bo not in hashes and len(hashes) == 2
    assert accounts.token_account(store, ada)[0].name == "Ada"  # type: ignore[union-attr]
    assert accounts.token_account(store, bo)[0].role == "reviewer"  # type: ignore[union-attr]
    assert accounts.token_account(store, "ck_made_up") == (None, False)
    assert accounts.revoke_tokens(store, "Ada", first) == 1
    assert accounts.token_account(store, ada) == (None, True)
    with pytest.raises(InputError, match="no live token"):
        accounts.revoke_tokens(store, "Ada", first)
    accounts.remove_account(store, "Bo")
    assert accounts.token_account(store, bo) == (None, True)
    assert [a.name for a in accounts.list_accounts(store)] == ["Ada"]


def test_an_older_database_opens_and_keeps_its_typed_names(tmp_path: Path) -> None:
    """A database made before accounts (verdicts signed with typed names) gains the account tables
    and still lists those names as they were."""
    path = tmp_path / "old.db"
    old = VerdictStore(f"sqlite:///{path}")
    aid = old.add_article("Troops massed near the border.")
    cid = old.add_claim(aid, start=0, end=30, text="Troops massed near the border.")
    old.save_verdict(cid, label="Supported", reviewer="typed name")
    old.engine.dispose()
    with sqlite3.connect(path) as conn:
        assert "accounts" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    store = VerdictStore(f"sqlite:///{path}")
    assert not accounts.has_accounts(store)
    accounts.add_account(store, "Ada", "correct horse")
    store.save_verdict(cid, label="Refuted", reviewer="Ada")
    assert [v.reviewer for v in store.history(cid)] == ["typed name", "Ada"]
    assert store.reviewer_names() == ["Ada", "typed name"]


def test_one_address_trying_many_names_is_limited(store: VerdictStore) -> None:
    accounts.add_account(store, "Ada", "correct horse")
    t = time.time()
    for i in range(accounts.CLIENT_FAILURES):  # a few guesses at many names: no name reaches its own limit
        with pytest.raises(SignInError, match="wrong name or password"):
            accounts.sign_in(store, f"name {i % 10}", "guess", clock=t, client="203.0.113.7")
    with pytest.raises(SignInError, match="too many failed sign-ins from this address"):
        accounts.sign_in(store, "Ada", "correct horse", clock=t, client="203.0.113.7")
    assert accounts.sign_in(store, "Ada", "correct horse", clock=t, client="198.51.100.2")[0].name == "Ada"
