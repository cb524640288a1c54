"""Who works in this browser: the signed-in account, or the one local user.

- With no account in the verdict database, the app is one local user on this machine (it
  listens on 127.0.0.1, as `make run` does); the sidebar's "Your name" signs their work.
- Once an account exists (`python -m checker users add`), everyone signs in first. The session
  lives in a signed, expiring cookie (`checker_session`); Streamlit reads cookies
  (`st.context.cookies`) but cannot set them, so a one-line script written by `st.html`
  sets it in the page. The server keeps the session, so signing out, or a new password, ends it
  whatever the browser keeps.
- Roles: a reviewer checks, judges, comments and works the queue; an editor may also upload to
  the corpus, update the index and export (`may_edit`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import streamlit as st

from checker.errors import CheckerError
from checker.verdicts import accounts
from ui import resources
from ui.text import md

if TYPE_CHECKING:
    from checker.verdicts.accounts import Account


def current() -> Account | None:
    """The signed-in account (None in local mode, before the page has checked the session)."""
    account = st.session_state.get("account")
    return account if isinstance(account, accounts.Account) else None


def may_edit() -> bool:
    """Uploads, index updates and exports: anyone in local mode, only editors once accounts exist."""
    account = current()
    return (account is None and not st.session_state.get("accounts_on")) or bool(account and account.editor)


def _write_cookie(value: str, max_age: int) -> None:
    secure = "; Secure" if str(st.context.url or "").startswith("https:") else ""
    cookie = f"{accounts.COOKIE}={value}; Path=/; Max-Age={max_age}; SameSite=Strict{secure}"
    st.html(f"<script>document.cookie = {json.dumps(cookie)};</script>", unsafe_allow_javascript=True)


def _sign_in() -> None:
    name = str(st.session_state.get("sign_in_name") or "")
    password = str(st.session_state.get("sign_in_password") or "")
    st.session_state["sign_in_password"] = ""
    try:
        account, cookie = accounts.sign_in(resources.store(), name, password, client=st.context.ip_address)
    except accounts.SignInError as exc:
        st.session_state["sign_in_error"] = str(exc)
        return
    st.session_state.pop("sign_in_error", None)
    st.session_state.update(account=account, session_cookie=cookie, cookie_to_write=cookie)


def sign_out() -> None:
    accounts.sign_out(resources.store(), st.session_state.get("session_cookie"))
    for key in ("account", "session_cookie", "cookie_to_write"):
        st.session_state.pop(key, None)
    st.session_state["cookie_to_clear"] = True


def _form() -> None:
    st.title("Sign in")
    st.caption("This workbench has reviewer accounts: sign in with your name and password.")
    with st.form("sign_in_form"):
        st.text_input("Name", key="sign_in_name")
        st.text_input("Password", type="password", key="sign_in_password")
        st.form_submit_button("Sign in", type="primary", on_click=_sign_in)
    note = st.session_state.pop("sign_in_note", None)
    if note:
        st.info(md("{}", note))
    error = st.session_state.get("sign_in_error")
    if error:
        st.error(md("Not signed in: {}.", error))


def gate() -> Account | None:
    """Before the page: None in local mode; otherwise the signed-in account, or the sign-in form
    (and the page stops there)."""
    try:
        store = resources.store()
        st.session_state["accounts_on"] = on = accounts.has_accounts(store)
    except CheckerError as exc:  # closed, not open: without the database nobody can be signed in
        st.error(md("The verdict database cannot be opened, so nobody can sign in or save: {}", exc))
        st.stop()
    if st.session_state.pop("cookie_to_clear", False):
        _write_cookie("", 0)
    if not on:
        st.session_state.pop("account", None)
        return None
    st.query_params.pop("reviewer", None)  # a typed name signs nothing once accounts exist
    pending = st.session_state.pop("cookie_to_write", None)
    if pending:
        _write_cookie(pending, accounts.SESSION_SECONDS)
    cookie = st.session_state.get("session_cookie") or st.context.cookies.get(accounts.COOKIE)
    account = accounts.session_account(store, cookie)
    if account is None:  # never signed in, signed out, expired, or the password changed
        for key in ("account", "session_cookie"):
            st.session_state.pop(key, None)
        _form()
        st.stop()
    st.session_state.update(account=account, session_cookie=cookie)
    return account


def _change_password(account: Account) -> None:
    current, new = (str(st.session_state.get(k) or "") for k in ("password_now", "password_new"))
    again = str(st.session_state.get("password_again") or "")
    for key in ("password_now", "password_new", "password_again"):
        st.session_state[key] = ""
    try:
        if new != again:
            raise accounts.SignInError("the two new passwords differ")
        accounts.change_password(resources.store(), account.name, current, new)
    except CheckerError as exc:
        st.session_state["password_error"] = str(exc)
        return
    st.session_state.pop("password_error", None)
    sign_out()
    st.session_state["sign_in_note"] = ("Your password was changed, and every session of yours ended: "
                                        "sign in with the new one.")


def sidebar(account: Account) -> None:
    st.markdown(md("Signed in as **{}** ({})", account.name, account.role))
    st.button("Sign out", key="sign_out", on_click=sign_out)
    with st.expander("Change password"):
        st.text_input("Current password", type="password", key="password_now")
        st.text_input("New password", type="password", key="password_new")
        st.text_input("New password again", type="password", key="password_again")
        st.button("Change password", key="change_password", on_click=_change_password, args=(account,))
        error = st.session_state.get("password_error")
        if error:
            st.error(md("Not changed: {}.", error))


def names() -> list[str]:
    """The accounts' names, for assigning a claim to someone."""
    return [a.name for a in accounts.list_accounts(resources.store())]
