"""End to end in a real browser: Playwright drives Debian's Chromium against `streamlit run`."""

import contextlib
import json
import os
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server
from tests.conftest import DEMO_ARTICLE

pytestmark = [pytest.mark.browser, pytest.mark.model]

NAME_BOX = "input[aria-label='Your name']"
PAYLOAD = '<script>window.__x=1</script><img src=x onerror="window.__y=1">'


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished the current run (no stale elements left)."""
    page.wait_for_timeout(300)
    page.wait_for_function("document.querySelectorAll('[data-stale=\"true\"]').length === 0",
                           timeout=60_000)


@contextlib.contextmanager
def _explained(page, server) -> Iterator[None]:
    """On a failure, say what the page showed and what the server logged (CI keeps only the output)."""
    try:
        yield
    except Exception as exc:
        try:
            shown = page.locator("[data-testid='stMain'], section.main").first.inner_text(timeout=5_000)
        except Exception as inner:  # the page itself may be gone
            shown = f"(page text unavailable: {inner})"
        log = server.log.read_text(encoding="utf-8", errors="replace") if server.log.exists() else ""
        raise AssertionError(f"{exc}\n--- page ---\n{shown[-3000:]}\n--- server log ---\n{log[-2000:]}") from exc


def _open_claim(page, words: str) -> None:
    """Pick a claim in the list and wait until its panel shows it (a click made while the page
    is still running may be redrawn over; the panel's quote is the proof it landed)."""
    page.get_by_role("radiogroup").get_by_text(words).first.click()
    page.locator("blockquote").filter(has_text=words).first.wait_for(timeout=90_000)
    _settle(page)


def _check(page, text: str) -> None:
    page.get_by_label("Article text").fill(text)
    page.get_by_label("Article text").press("Control+Enter")  # commit the text area
    page.get_by_role("button", name="Check", exact=True).click()


def test_workbench_end_to_end(browser, tmp_path: Path, demo_index: Path) -> None:
    """A reviewer's day: check an article, save a verdict, reload and find it all where it was,
    reopen the article from the Articles list, assign a claim, comment on it, see it in "My claims",
    edit the first verdict (version 2), and export: the CSV and ClaimReview carry the edit."""
    (tmp_path / "index").symlink_to(demo_index)
    with streamlit_server(tmp_path) as server:
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
        with _explained(page, server):
            page.goto(server.base)
            page.locator(NAME_BOX).fill("Ada Lovelace")
            page.locator(NAME_BOX).press("Enter")
            page.wait_for_url("**reviewer=Ada*")

            # 1. Check the demo article; open the "massing 100,000 forces" claim; save a verdict.
            _check(page, DEMO_ARTICLE.read_text(encoding="utf-8"))
            page.locator("mark.claim").first.wait_for(timeout=120_000)
            _open_claim(page, "massing 100,000 forces")
            page.wait_for_url("**claim=*")
            form = page.locator("[data-testid='stForm']").filter(has_text="Save verdict")
            form.get_by_text("Supported", exact=True).click()
            form.get_by_label("Note").fill("US and allied estimates put the build-up near 100,000 in January.")
            form.locator("[data-testid='stCheckbox']").first.click()
            form.get_by_role("button", name="Save verdict").click()
            page.get_by_text("Saved version 1: Supported.").wait_for(timeout=30_000)

            # 2. Reload: the same article, claim, evidence and verdict, and the name, from the address.
            page.reload()
            page.get_by_text("Current: Supported (version 1", exact=False).wait_for(timeout=60_000)
            page.get_by_text(re.compile(r"^Evidence \(\d+\)$")).first.wait_for(timeout=60_000)
            _settle(page)
            assert page.locator("blockquote").filter(has_text="100,000 forces").count() == 1
            assert page.locator("mark.claim").count() >= 5
            assert page.get_by_text(re.compile(r"^Evidence \(\d+\)$")).count() >= 1
            page.wait_for_function(f"document.querySelector(\"{NAME_BOX}\")?.value === 'Ada Lovelace'",
                                   timeout=30_000)

            # 3. The Articles page lists it; open it from there.
            page.get_by_text("Articles", exact=True).click()
            page.get_by_text(re.compile(r"claims · 1 with a verdict · ")).wait_for(timeout=30_000)
            _settle(page)  # the Check page's marks linger, stale, until the Articles run ends
            page.get_by_role("button", name="Open").first.click()
            page.get_by_role("heading", name="Check an article").wait_for(timeout=60_000)
            page.locator("mark.claim").first.wait_for(timeout=60_000)
            _settle(page)

            # 4. Assign a claim to me, comment on it, and find it under "My claims".
            _open_claim(page, "without a breakthrough")
            page.get_by_role("button", name="Assign to me").click()
            page.get_by_text("assigned to Ada Lovelace").wait_for(timeout=30_000)
            page.get_by_text("Comments (0)").click()
            page.get_by_label("Comment", exact=True).fill("Which meeting does this refer to?")
            page.get_by_role("button", name="Add comment").click()
            page.get_by_text("Which meeting does this refer to?").wait_for(timeout=30_000)
            page.get_by_text("Articles", exact=True).click()
            page.get_by_role("heading", name="Articles").wait_for(timeout=30_000)
            _settle(page)
            page.get_by_text("My claims").click()
            page.get_by_text("claims assigned to you").wait_for(timeout=30_000)
            page.get_by_text("without a breakthrough").first.wait_for(timeout=30_000)

            # 5. Edit: back on the Check page, the troops claim gets version 2.
            page.get_by_text("My claims").click()  # off again
            _settle(page)
            page.get_by_text("Check", exact=True).first.click()
            page.get_by_role("heading", name="Check an article").wait_for(timeout=60_000)
            page.locator("mark.claim").first.wait_for(timeout=60_000)
            _settle(page)
            _open_claim(page, "massing 100,000 forces")
            form = page.locator("[data-testid='stForm']").filter(has_text="Save verdict")
            form.get_by_text("Misleading", exact=True).click()
            form.get_by_label("Note").fill("The 100,000 figure is US and allied estimates, not a count.")
            form.get_by_role("button", name="Save verdict").click()
            page.get_by_text("Saved version 2: Misleading.").wait_for(timeout=30_000)
            _settle(page)

            # 6. Export: the Review page's CSV and ClaimReview downloads hold the latest version and its note.
            page.get_by_text("Review", exact=True).first.click()
            page.get_by_role("button", name="Export CSV").wait_for(timeout=30_000)
            _settle(page)
            with page.expect_download() as got:
                page.get_by_role("button", name="Export CSV").click()
            csv_text = Path(got.value.path()).read_text(encoding="utf-8")
            assert "Misleading" in csv_text and "not a count" in csv_text and "Supported" not in csv_text
            with page.expect_download() as got:
                page.get_by_role("button", name="Export ClaimReview JSON-LD").click()
            reviews = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
            reviews = reviews if isinstance(reviews, list) else reviews.get("@graph", [reviews])
            (review,) = [r for r in reviews if "100,000" in r["claimReviewed"]]
            assert review["reviewRating"]["alternateName"] == "Misleading"
            assert "not a count" in review["reviewBody"]
            shot = tmp_path / "workbench.png"
            page.screenshot(path=str(shot), full_page=True)
            if out := os.environ.get("CHECKER_SCREENSHOT"):
                shutil.copy(shot, out)


def test_corpus_text_is_never_rendered(browser, tmp_path: Path) -> None:
    """A corpus document carrying a script shows as text in evidence cards and on the Corpus page."""
    from checker.config import DEFAULT_MODEL
    from checker.evidence.corpus import load_corpus
    from checker.evidence.index import build_index
    from checker.text.embed import get_embedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.md").write_text(
        f"---\ntitle: Troops {PAYLOAD}\npublisher: <b>Evil</b> Wire\nurl: javascript:alert(1)\n"
        f"date: 2022-01-21\n---\nRussia has massed 100,000 troops near the border. {PAYLOAD} "
        "Officials in Washington confirmed the estimate on Friday.", encoding="utf-8")
    (corpus / "plain.md").write_text("---\ntitle: Football\n---\nThe cup final ended two to one.",
                                     encoding="utf-8")
    build_index(load_corpus([corpus]).documents, get_embedder(DEFAULT_MODEL), tmp_path / "index")
    with streamlit_server(tmp_path) as server:
        base = server.base
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(base)
        page.get_by_label("Article text").wait_for(timeout=60_000)
        _check(page, f"Russia has massed 100,000 troops near Ukraine's border, officials said on Friday. {PAYLOAD}")
        page.locator("mark.claim").first.wait_for(timeout=120_000)
        _settle(page)
        page.get_by_text(re.compile(r"^Evidence \(\d+\)$")).wait_for(timeout=30_000)
        body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
        assert "<script>window.__x=1</script>" in body  # the passage and title, as text
        assert PAYLOAD in page.locator("div.article").first.inner_text()  # the pasted article, as text
        assert page.evaluate("typeof window.__x") == "undefined"
        assert page.evaluate("typeof window.__y") == "undefined"
        assert page.locator("a[href^='javascript:']").count() == 0
        page.get_by_text("Corpus", exact=True).click()
        page.get_by_text("Index manifest").wait_for(timeout=30_000)
        _settle(page)
        assert page.evaluate("typeof window.__x") == "undefined"
        assert page.evaluate("typeof window.__y") == "undefined"


MARKDOWN_PAYLOADS = ("\n\n![pixel](http://203.0.113.9/pixel.png)\n\n[click here](https://evil.example/)\n\n"
                     "# Injected heading\n\n")


def test_pasted_markdown_stays_text(browser, tmp_path: Path, demo_index: Path) -> None:
    """An article carrying Markdown (image, link, heading) shows it as text; no request leaves."""
    (tmp_path / "index").symlink_to(demo_index)
    with streamlit_server(tmp_path) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url)
                if urllib.parse.urlsplit(r.url).hostname not in ("127.0.0.1", None) else None)
        page.goto(server.base)
        page.get_by_label("Article text").wait_for(timeout=60_000)
        _check(page, "Officials said 100,000 troops massed near the border on Friday. [see](https://evil.example/a)"
                     + MARKDOWN_PAYLOADS + "The ministry confirmed the figure of 100,000 troops on Friday.")
        page.locator("div.article").first.wait_for(timeout=120_000)
        _settle(page)
        page.wait_for_timeout(500)
        article = page.locator("div.article").first
        assert "# Injected heading" in article.inner_text() and "![pixel]" in article.inner_text()
        main = page.locator("[data-testid='stMain']").first
        assert main.locator("a[href*='evil.example'], img[src*='203.0.113.9']").count() == 0
        assert main.locator("h1, h2, h3, h4, h5, h6").filter(has_text="Injected heading").count() == 0
        assert outside == []
