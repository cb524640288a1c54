"""The second walk's faults that live in the page (issue 27, items 1, 2, 3 and 5), each in a real
browser: Playwright drives Debian's Chromium against `streamlit run` on the demo index."""

import re
from pathlib import Path

import pytest

from tests.browser import streamlit_server
from tests.conftest import DEMO_ARTICLE
from tests.test_browser import NAME_BOX, _check, _explained, _open_claim, _settle, browser  # noqa: F401

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.model]

# The demo article and a sentence the corpus knows nothing about: its matches all fall below the floor.
COUNCIL = "The city council approved a new budget of 4 million dollars for parks on Tuesday."


def _form(page):
    return page.locator("[data-testid='stForm']").filter(has_text="Save verdict")


def _claim_in_address(page) -> str:
    found = re.search(r"[?&]claim=(\d+)", page.url)
    assert found, page.url
    return found.group(1)


def _save(page, label: str, note: str | None = None) -> None:
    form = _form(page)
    form.get_by_text(label, exact=True).click()
    if note is not None:
        form.get_by_label("Note").fill(note)
    form.get_by_role("button", name="Save verdict").click()


def test_sidebar_name_and_assign_keep_the_open_claim(browser, tmp_path: Path, demo_index: Path) -> None:  # noqa: F811
    """Items 2 and 1: a name typed in the sidebar after a claim is open signs that claim's verdict;
    'Assign to me' after a first verdict keeps the panel and the address on that claim, and its
    'Assigned to' box shows who."""
    (tmp_path / "index").symlink_to(demo_index)
    with streamlit_server(tmp_path) as server:
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
        with _explained(page, server):
            page.goto(server.base)
            _check(page, DEMO_ARTICLE.read_text(encoding="utf-8"))
            page.locator("mark.claim").first.wait_for(timeout=120_000)
            _open_claim(page, "without a breakthrough")
            page.wait_for_url("**claim=*")
            opened = _claim_in_address(page)
            page.locator(NAME_BOX).fill("Grace Hopper")  # only now, with the claim's form already drawn
            page.locator(NAME_BOX).press("Enter")
            page.wait_for_url("**reviewer=Grace*")
            _settle(page)
            _save(page, "Supported")
            page.get_by_text("Saved version 1: Supported.").wait_for(timeout=30_000)
            assert page.get_by_text("by Grace Hopper", exact=False).count() >= 1
            _settle(page)
            page.get_by_role("button", name="Assign to me").click()
            page.get_by_text("assigned to Grace Hopper").wait_for(timeout=30_000)
            _settle(page)
            assert _claim_in_address(page) == opened
            assert page.locator("blockquote").filter(has_text="without a breakthrough").count() == 1
            expect(page.get_by_label("Assigned to")).to_have_value("Grace Hopper", timeout=10_000)
            # A second version of the same verdict keeps the claim open too.
            _save(page, "Misleading", "Talks went on; the breakthrough was not the point.")
            page.get_by_text("Saved version 2: Misleading.").wait_for(timeout=30_000)
            _settle(page)
            assert _claim_in_address(page) == opened
            assert page.locator("blockquote").filter(has_text="without a breakthrough").count() == 1


def test_note_and_weaker_matches_come_back(browser, tmp_path: Path, demo_index: Path) -> None:  # noqa: F811
    """Items 3 and 5: a claim whose matches all fall below the floor keeps its weaker matches after
    a save, and its note comes back when the claim is reopened, in the page and after a reload."""
    (tmp_path / "index").symlink_to(demo_index)
    note = "Nothing in the corpus covers the council; the budget needs the minutes."
    with streamlit_server(tmp_path) as server:
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
        with _explained(page, server):
            page.goto(server.base)
            page.locator(NAME_BOX).fill("Ada Lovelace")
            page.locator(NAME_BOX).press("Enter")
            page.wait_for_url("**reviewer=Ada*")
            _check(page, "Russia has massed 100,000 troops near Ukraine's border, officials said on Friday. "
                         + COUNCIL)
            page.locator("mark.claim").first.wait_for(timeout=120_000)
            _open_claim(page, "city council")
            weaker = page.get_by_text(re.compile(r"^Weaker matches \(\d+\)"))
            weaker.first.wait_for(timeout=30_000)
            _save(page, "Not enough evidence", note)
            page.get_by_text("Saved version 1: Not enough evidence.").wait_for(timeout=30_000)
            _settle(page)
            assert weaker.count() == 1
            assert page.get_by_text("No evidence found in the corpus").count() == 0
            _open_claim(page, "100,000 troops")
            _open_claim(page, "city council")
            expect(_form(page).get_by_label("Note")).to_have_value(note, timeout=10_000)  # filled just after
            page.reload()
            page.get_by_text("Current: Not enough evidence (version 1", exact=False).wait_for(timeout=60_000)
            _settle(page)
            expect(_form(page).get_by_label("Note")).to_have_value(note, timeout=10_000)  # filled just after
            assert weaker.count() == 1
            # An edit that keeps the note saves it again, unchanged.
            _save(page, "Not check-worthy")
            page.get_by_text("Saved version 2: Not check-worthy.").wait_for(timeout=30_000)
            _settle(page)
            page.get_by_text("History (2 versions)").click()
            assert page.get_by_text(note, exact=True).count() >= 2  # v1 and v2 in the history
