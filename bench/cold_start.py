"""Cold start: seconds from launching `streamlit run app.py` to the first page being usable (the
"Article text" box visible in headless Chromium), against the same for a trivial Streamlit page
that shows only that box, launched the same way in the same run. Prints the ratio; appends it to
bench/RESULTS.md. Needs Debian's chromium and Playwright (as the browser tests do).

    python bench/cold_start.py [--rounds 3] [--json] [--no-record]
    python bench/cold_start.py --first-check [--rounds 1]   # the first check after start-up

`--first-check` times the first check on a fresh server against a second check right after it,
three ways: without the background warm-up (CHECKER_WARM_UP=0), with it and Check pressed as
soon as the page is usable, and with it and Check pressed once the sidebar says the model is ready.

The demo corpus is indexed first (not timed), so the app opens on a real index. Rounds alternate
between the app and the trivial page; each uses a new server process and a new browser context
(empty cache). One more launch of the app under `python -X importtime` lists what its page
imports and what that costs, and whether torch or sentence-transformers load before the page is
usable.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, record

from checker.config import DEFAULT_MODEL
from checker.evidence.corpus import load_corpus
from checker.evidence.index import build_index
from checker.text.embed import get_embedder
from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server

TRIVIAL_PAGE = 'import streamlit as st\n\nst.text_area("Article text")\n'
HEAVY = ("torch", "sentence_transformers", "transformers", "faiss")


def open_page(browser, script: Path, home: Path, *, python_flags: tuple[str, ...] = ()) -> dict[str, float]:
    """Launch `streamlit run script`; seconds until it answers /_stcore/health, until the text box
    is visible in a fresh browser context, and until the script run has finished."""
    with streamlit_server(home, script=script, python_flags=python_flags, timeout=120) as server:
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.base)
        page.get_by_label("Article text").wait_for(state="visible", timeout=120_000)
        usable = time.perf_counter() - server.started
        page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]') && "
                               "document.querySelectorAll('[data-stale=\"true\"]').length === 0",
                               timeout=120_000)
        idle = time.perf_counter() - server.started
        context.close()
    return {"health": server.health_seconds, "usable": usable, "idle": idle, "log": str(server.log)}


def _timed_check(page, text: str) -> float:
    """Paste `text`, press Check, and return the seconds until its highlighted claims appear."""
    page.get_by_label("Article text").fill(text)
    page.get_by_label("Article text").press("Control+Enter")
    page.wait_for_timeout(300)
    page.wait_for_function("document.querySelectorAll('[data-stale=\"true\"]').length === 0", timeout=60_000)
    started = time.perf_counter()
    page.get_by_role("button", name="Check", exact=True).click()
    page.locator("div.article").filter(has_text=text[-40:].strip()).locator("mark.claim").first.wait_for(
        timeout=300_000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=300_000)
    return time.perf_counter() - started


def first_checks(browser, home: Path, *, warm: bool, wait_ready: bool) -> dict[str, float]:
    """A fresh server: seconds of the first check of the demo article (pressed as soon as the page
    is usable, or once the sidebar says the model is ready) and of a second check right after, of
    the same article with one more sentence (so that it is checked again, not found on the page)."""
    article = (ROOT / "checker" / "demo" / "article.txt").read_text(encoding="utf-8")
    other = article.rstrip() + "\nThe talks are to resume next week in Vienna, officials said."  # the same work
    os.environ["CHECKER_WARM_UP"] = "1" if warm else "0"
    try:
        with streamlit_server(home, timeout=120) as server:
            context = browser.new_context()
            page = context.new_page()
            page.goto(server.base)
            page.get_by_label("Article text").wait_for(state="visible", timeout=120_000)
            usable = time.perf_counter() - server.started
            ready = float("nan")
            if wait_ready:
                name = page.locator("input[aria-label='Your name']")
                while not page.get_by_text("ready", exact=False).count():
                    page.wait_for_timeout(500)
                    name.fill(f"x{time.perf_counter():.0f}")  # any rerun refreshes the sidebar
                    name.press("Enter")
                ready = time.perf_counter() - server.started
            first = _timed_check(page, article)
            second = _timed_check(page, other)
            context.close()
    finally:
        os.environ.pop("CHECKER_WARM_UP", None)
    return {"usable": usable, "ready": ready, "first": first, "second": second}


def import_costs(log: Path) -> list[tuple[int, str, int]]:
    """(cumulative µs, module, depth) of every import in a `-X importtime` log, in order."""
    rows = []
    for line in log.read_text(errors="replace").splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), m.group(4), len(m.group(3)) // 2))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--first-check", action="store_true",
                        help="measure the first check after start-up instead, with and without the warm-up")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"error: {CHROMIUM} is missing (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import streamlit"], check=True)
    import_streamlit = time.perf_counter() - t0

    if args.first_check:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            home = Path(tmp)
            build_index(load_corpus([ROOT / "corpus"]).documents, get_embedder(DEFAULT_MODEL), home / "index")
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            runs = {name: [first_checks(browser, home, warm=warm, wait_ready=wait) for _ in range(args.rounds)]
                    for name, warm, wait in (("no warm-up", False, False), ("warm-up, check at once", True, False),
                                             ("warm-up, check when ready", True, True))}
            browser.close()
        lines = []
        for name, rs in runs.items():
            first, second = (statistics.median(r[k] for r in rs) for k in ("first", "second"))
            ready = statistics.median(r["ready"] for r in rs)
            lines.append(f"{name}: first check {first:.2f} s, second {second:.2f} s: ratio {first / second:.2f}x"
                         + ("" if ready != ready else f" (model ready {ready:.1f} s after launch)")
                         + f"; median of {args.rounds}; load average {os.getloadavg()[0]:.1f}")
            print(lines[-1])
        if not args.no_record:
            record("cold_start --first-check: the first check after start-up vs the next one", lines)
        return

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        home = Path(tmp)
        build_index(load_corpus([ROOT / "corpus"]).documents, get_embedder(DEFAULT_MODEL), home / "index")
        trivial = home / "trivial_page.py"
        trivial.write_text(TRIVIAL_PAGE, encoding="utf-8")
        app = ROOT / "app.py"
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        open_page(browser, trivial, home)  # warm the disk cache for both alike
        open_page(browser, app, home)
        apps, trivials = [], []
        for _ in range(args.rounds):
            apps.append(open_page(browser, app, home))
            trivials.append(open_page(browser, trivial, home))
        traced = open_page(browser, app, home, python_flags=("-X", "importtime"))
        browser.close()
        imports = import_costs(Path(traced["log"]))

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    usable, baseline = med(apps, "usable"), med(trivials, "usable")
    ratio = usable / baseline
    ours = [(us, name) for us, name, _ in imports if name.split(".")[0] in ("ui", "checker") and "." not in name]
    ours += [(us, name) for us, name, _ in imports if name.split(".")[0] in ("ui", "checker") and
             name.count(".") == 1]
    third = [(us, name) for us, name, _ in imports if "." not in name and name in
             ("pandas", "sqlalchemy", "numpy", "trafilatura", "sentencex", "bm25s", "pypdf", "Stemmer", *HEAVY)]
    heavy_loaded = sorted({name for _, name, _ in imports if name.split(".")[0] in HEAVY})
    top = sorted({n: us for us, n in ours + third}.items(), key=lambda kv: -kv[1])[:10]

    print(f"app.py: usable after {usable:.2f} s (server healthy at {med(apps, 'health'):.2f} s, script run "
          f"finished at {med(apps, 'idle'):.2f} s); median of {args.rounds}")
    print(f"trivial page: usable after {baseline:.2f} s (healthy at {med(trivials, 'health'):.2f} s)")
    print(f"`python -c 'import streamlit'`: {import_streamlit:.2f} s")
    print(f"ratio: {ratio:.2f}x the trivial page; target <= 3 s: {'met' if usable <= 3 else 'NOT met'}")
    print("heaviest imports when the app starts (cumulative, from -X importtime):")
    for name, us in top:
        print(f"  {us / 1e6:6.2f} s  {name}")
    print(f"torch / sentence-transformers / faiss loaded before the page was usable: "
          f"{', '.join(sorted({n.split('.')[0] for n in heavy_loaded})) or 'none'}")
    if not args.no_record:
        record("cold_start", [
            f"app.py usable after {usable:.2f} s (healthy {med(apps, 'health'):.2f} s, run finished "
            f"{med(apps, 'idle'):.2f} s) vs trivial page {baseline:.2f} s: ratio {ratio:.2f}x; "
            f"target <= 3 s {'met' if usable <= 3 else 'NOT met'} (median of {args.rounds})",
            f"python -c 'import streamlit': {import_streamlit:.2f} s; load average at start {load:.1f}",
            "heaviest imports at start: " + ", ".join(f"{name} {us / 1e6:.2f} s" for name, us in top[:6]),
            f"heavy libraries imported before the page was usable: "
            f"{', '.join(sorted({n.split('.')[0] for n in heavy_loaded})) or 'none'}",
        ])
    if args.json:
        print(json.dumps({"ratio": round(ratio, 4), "usable_seconds": round(usable, 3),
                          "baseline_seconds": round(baseline, 3), "health_seconds": round(med(apps, "health"), 3),
                          "idle_seconds": round(med(apps, "idle"), 3), "import_streamlit_seconds":
                          round(import_streamlit, 3), "heavy_imports": heavy_loaded,
                          "top_imports": {n: round(us / 1e6, 3) for n, us in top}}))


if __name__ == "__main__":
    main()
