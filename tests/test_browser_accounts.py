"""Reviewer accounts in a real browser: Playwright drives Debian's Chromium against `streamlit run`
with two accounts in the verdict database (issue 26's targets: sign-in, a wrong password, a
reviewer refused an upload, a verdict shown with its author, sign-out)."""

from pathlib import Path

import pytest

from checker.verdicts import accounts
from checker.verdicts.store import VerdictStore
from tests.browser import streamlit_server
from tests.test_browser import _explained, _open_claim, _settle, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.model]

ARTICLE = "Officials said 100,000 troops were massed near the border on Friday."


def _sign_in(page, name: str, password: str) -> None:
    page.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_accounts_sign_in_roles_authorship_and_sign_out(browser, tmp_path: Path, demo_index: Path) -> None:  # noqa: F811
    (tmp_path / "index").symlink_to(demo_index)
    store = VerdictStore(f"sqlite:///{tmp_path / 'verdicts.db'}")
    accounts.add_account(store, "Bo Reviewer", "battery staple", role="reviewer")
    accounts.add_account(store, "Ada Editor", "correct horse", role="editor")
    upload = tmp_path / "note.md"
    upload.write_text("---\ntitle: A note\n---\nThe bridge reopened on Monday after repairs.", encoding="utf-8")
    with streamlit_server(tmp_path) as server:
        context = browser.new_context(viewport={"width": 1500, "height": 1300})
        page = context.new_page()
        with _explained(page, server):
            # 1. Nothing shows before signing in, a typed name in the address included; a wrong password fails.
            page.goto(f"{server.base}/?reviewer=Mallory")
            _sign_in(page, "Bo Reviewer", "wrong password")
            page.get_by_text("Not signed in: wrong name or password.").wait_for(timeout=30_000)
            assert page.get_by_label("Article text").count() == 0 and page.get_by_text("Page").count() == 0

            # 2. The right password: signed in, in the reviewer's role, with no name box and no name in the address.
            _sign_in(page, "Bo Reviewer", "battery staple")
            page.get_by_text("Signed in as Bo Reviewer (reviewer)").wait_for(timeout=30_000)
            _settle(page)
            assert page.locator("input[aria-label='Your name']").count() == 0
            assert "reviewer=" not in page.url
            page.wait_for_function("document.cookie.includes('checker_session=')", timeout=30_000)

            # 3. A verdict is saved under the account, and shown with its author.
            page.get_by_label("Article text").fill(ARTICLE)
            page.get_by_label("Article text").press("Control+Enter")
            page.get_by_role("button", name="Check", exact=True).click()
            page.locator("mark.claim").first.wait_for(timeout=180_000)
            _open_claim(page, "100,000 troops")
            form = page.locator("[data-testid='stForm']").filter(has_text="Save verdict")
            assert form.get_by_label("Reviewer").count() == 0  # nobody types whose verdict it is
            form.get_by_text("Supported", exact=True).click()
            form.get_by_role("button", name="Save verdict").click()
            page.get_by_text("Current: Supported (version 1, by Bo Reviewer", exact=False).wait_for(timeout=30_000)
            assert [v.reviewer for r in store.latest_rows() for v in [r.verdict]] == ["Bo Reviewer"]

            # 4. The signed cookie keeps the session over a reload.
            page.reload()
            page.get_by_text("Signed in as Bo Reviewer (reviewer)").wait_for(timeout=60_000)

            # 5. A reviewer is refused an upload to the corpus; nothing is saved.
            page.get_by_text("Corpus", exact=True).click()
            page.get_by_text("Add reference documents").wait_for(timeout=30_000)
            _settle(page)
            page.locator("input[type='file']").set_input_files(str(upload))
            page.get_by_text("note.md").first.wait_for(timeout=30_000)
            page.get_by_role("button", name="Add to the corpus").click()
            page.get_by_text("Only an editor may add documents to the corpus; you are signed in as Bo Reviewer, "
                             "a reviewer.").wait_for(timeout=30_000)
            assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())
            cookie = next(c for c in context.cookies() if c["name"] == accounts.COOKIE)

            # 6. Signing out ends the session: the sign-in form, after a reload too, and the old cookie opens nothing.
            page.get_by_role("button", name="Sign out").click()
            page.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
            page.reload()
            page.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
            assert page.get_by_text("Signed in as").count() == 0
            replay = browser.new_context()
            replay.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
            other = replay.new_page()
            other.goto(server.base)
            other.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
            replay.close()

            # 7. An editor may upload.
            _sign_in(page, "Ada Editor", "correct horse")
            page.get_by_text("Signed in as Ada Editor (editor)").wait_for(timeout=30_000)
            page.get_by_text("Corpus", exact=True).click()
            page.get_by_text("Add reference documents").wait_for(timeout=30_000)
            _settle(page)
            page.locator("input[type='file']").set_input_files(str(upload))
            page.get_by_text("note.md").first.wait_for(timeout=30_000)
            page.get_by_role("button", name="Add to the corpus").click()
            page.get_by_text("Added note.md: 1 document(s).", exact=False).wait_for(timeout=30_000)
        context.close()
