"""Fact-checks through the real command line and the real API server, with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT
from tests.test_cli import run_cli

DEMO = ROOT / "checker" / "demo" / "factchecks.json"
CLAIM = "Blinken and Lavrov made a breakthrough when they met in Geneva on Friday."


@pytest.fixture(scope="module")
def home(tmp_path_factory, demo_index: Path) -> Path:
    home = tmp_path_factory.mktemp("fchome")
    (home / "index").symlink_to(demo_index)
    return home


@pytest.mark.model
def test_import_search_and_check(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"@type": "ClaimReview", "claimReviewed": "No address."}]), encoding="utf-8")
    out = run_cli("factchecks", "import", str(bad), home=home)
    assert out.returncode == 2 and out.stdout == b""
    lines = out.stderr.decode().splitlines()
    assert lines == [f"skipped: {bad}: record 1: no url", "error: no fact-check could be read (1 problems above)"]

    out = run_cli("factchecks", "import", str(DEMO), str(bad), "--source", "demo", home=home)
    assert out.returncode == 0, out.stderr.decode()
    assert "32 fact-checks read: 32 added, 0 updated, 0 unchanged" in out.stdout.decode()
    problems = [ln for ln in out.stderr.decode().splitlines() if ln.startswith(("skipped:", "error:", "warning:"))]
    assert problems == [f"skipped: {bad}: record 1: no url"]

    found = json.loads(run_cli("factchecks", "search", CLAIM, "--json", home=home).stdout)["fact_checks"]
    assert found and found[0]["url"] == "https://factcheck.example/demo/geneva-breakthrough"
    assert found[0]["rating"] == "False" and found[0]["publisher"] == "Workbench demo desk"

    data = json.loads(run_cli("check", "-", "--json", home=home, stdin=CLAIM.encode()).stdout)
    checks = data["claims"][0]["fact_checks"]
    assert checks[0]["url"] == "https://factcheck.example/demo/geneva-breakthrough"
    assert {"claim", "claimant", "rating", "publisher", "date", "url", "score"} <= set(checks[0])
    unrelated = json.loads(run_cli("check", "-", "--json", home=home,
                                   stdin=b"The football cup final ended two to one after extra time.").stdout)
    assert unrelated["claims"][0]["fact_checks"] == []
    human = run_cli("check", "-", home=home, stdin=CLAIM.encode()).stdout.decode()
    assert "Already fact-checked: Workbench demo desk rated a similar claim False on 2022-01-22" in human

    exported = run_cli("factchecks", "export", home=home)
    assert exported.returncode == 0
    assert {o["url"] for o in json.loads(exported.stdout)} == {o["url"] for o in json.loads(DEMO.read_text())}
    again = run_cli("factchecks", "import", str(DEMO), "--source", "demo", home=home)
    assert "0 added, 0 updated, 32 unchanged" in again.stdout.decode() and "(up to date)" in again.stdout.decode()


@pytest.mark.model
def test_api_factchecks(tmp_path_factory, demo_index: Path) -> None:
    from tests.apiserver import serve

    with serve(tmp_path_factory.mktemp("fcapi"), demo_index) as server:
        empty = requests.get(f"{server.url}/v1/factchecks/search", params={"q": CLAIM}, timeout=60).json()
        assert empty["fact_checks"] == [] and empty["fact_checks_indexed"] == 0
        records = json.loads(DEMO.read_text(encoding="utf-8"))
        body = [*records, {"@type": "ClaimReview", "claimReviewed": "no url"}]
        refused = requests.post(f"{server.url}/v1/factchecks", json=body, timeout=60)
        assert refused.status_code == 401 and "error" in refused.json()
        got = requests.post(f"{server.url}/v1/factchecks", json=body, headers=server.auth(), timeout=300)
        assert got.status_code == 201, got.text
        result = got.json()
        assert (result["read"], result["added"], result["fact_checks_indexed"]) == (32, 32, 32)
        assert result["problems"] == ["body: record 33: no url"]
        hits = requests.get(f"{server.url}/v1/factchecks/search", params={"q": CLAIM}, timeout=60).json()
        assert hits["fact_checks"][0]["url"] == "https://factcheck.example/demo/geneva-breakthrough"
        check = requests.post(f"{server.url}/v1/check", json={"text": CLAIM}, timeout=300).json()
        assert check["claims"][0]["fact_checks"][0]["rating"] == "False"
        changed = dict(records[8], reviewRating={"@type": "Rating", "alternateName": "Mostly false"})
        upd = requests.post(f"{server.url}/v1/factchecks", json=changed, headers=server.auth(), timeout=300).json()
        assert (upd["added"], upd["updated"]) == (0, 1)
        check = requests.post(f"{server.url}/v1/check", json={"text": CLAIM}, timeout=300).json()
        assert check["claims"][0]["fact_checks"][0]["rating"] == "Mostly false"
        bad = requests.post(f"{server.url}/v1/factchecks", data=b"{not json", headers=server.auth() | {
            "Content-Type": "application/json"}, timeout=60)
        assert bad.status_code == 400 and "error" in bad.json()
        none = requests.post(f"{server.url}/v1/factchecks", json={"@type": "Article"}, headers=server.auth(),
                             timeout=60)
        assert none.status_code == 422 and none.json()["error"].startswith("no fact-check could be read")


@pytest.mark.model
def test_index_imports_the_configured_feed_and_batch_checks_match(tmp_path: Path) -> None:
    """`index` (what `make run` runs) imports CHECKER_FACTCHECKS and builds the fact-check index beside the
    corpus index; a batch check's JSON lines carry fact_checks too."""
    home, corpus = tmp_path / "home", tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "geneva.md").write_text("---\ntitle: Geneva talks\n---\nBlinken and Lavrov met in Geneva on "
                                      "January 21. No breakthrough was achieved.\n", encoding="utf-8")
    env = {"CHECKER_FACTCHECKS": str(DEMO)}
    out = run_cli("index", "--corpus", str(corpus), home=home, env_extra=env)
    assert out.returncode == 0, out.stderr.decode()
    assert "fact-checks: 32 fact-checks read: 32 added, 0 updated, 0 unchanged" in out.stdout.decode()
    assert (home / "factchecks" / "manifest.json").is_file()
    again = run_cli("index", "--corpus", str(corpus), home=home, env_extra=env).stdout.decode()
    assert "32 unchanged" in again and "(up to date)" in again
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(CLAIM, encoding="utf-8")
    b.write_text("The football cup final ended two to one after extra time.", encoding="utf-8")
    lines = run_cli("check", str(a), str(b), home=home, env_extra=env).stdout.decode().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["claims"][0]["fact_checks"][0]["url"] == "https://factcheck.example/demo/geneva-breakthrough"
    assert second["claims"][0]["fact_checks"] == []
