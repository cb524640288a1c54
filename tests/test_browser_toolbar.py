"""The app shows reviewers no developer toolbar (Streamlit's Deploy button): .streamlit/config.toml."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server
from tests.conftest import ROOT


def test_streamlit_reads_the_viewer_toolbar_from_the_project() -> None:
    """`streamlit run` in the project folder (make run, the browser tests) takes client.toolbarMode from it."""
    code = ("from streamlit import config; config.get_config_options(force_reparse=True); "
            "print(config.get_option('client.toolbarMode'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    assert out.stdout.strip() == "viewer"


@pytest.mark.browser
def test_no_deploy_button_in_the_browser(tmp_path: Path) -> None:  # second walk, item 9
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with streamlit_server(tmp_path) as server, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(server.base)
            page.get_by_label("Article text").wait_for(timeout=60_000)
            page.locator("[data-testid='stToolbar']").first.wait_for(state="attached", timeout=30_000)
            page.wait_for_timeout(1000)
            assert page.locator("[data-testid='stAppDeployButton']").count() == 0
            assert page.get_by_role("button", name="Deploy").count() == 0
        finally:
            browser.close()
